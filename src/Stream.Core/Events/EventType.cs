namespace Stream.Core.Events;

/// <summary>Every event type of every contract. Values are persisted in state: append only, never renumber.</summary>
public enum EventType : byte
{
    Login = 0,
    Session = 1,
    PageView = 2,
    AppView = 3,
    EmailOpen = 4,
    EmailClick = 5,
    SupportContact = 6,
    Complaint = 7,
    SurveyResponse = 8,
    Purchase = 9,
    Refund = 10,
    PaymentDue = 11,
    PaymentReceived = 12,
    ProfileUpdated = 13,
}
