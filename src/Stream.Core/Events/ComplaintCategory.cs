namespace Stream.Core.Events;

public enum ComplaintCategory : byte
{
    Billing,
    Product,
    Service,
    Delivery,
    Other,
}
