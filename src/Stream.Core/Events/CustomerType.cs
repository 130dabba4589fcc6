namespace Stream.Core.Events;

/// <summary>Customer structure dimension from profile events. Persisted: append only.</summary>
public enum CustomerType : byte
{
    Unknown = 0,
    Individual = 1,
    Enterprise = 2,
    Government = 3,
}
