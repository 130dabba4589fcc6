namespace Stream.Core.Events;

/// <summary>Why an event went to the dead-letter topic. The wire names are metric labels and DLQ headers.</summary>
public enum RejectReason : byte
{
    NotJson,
    SchemaViolation,
    UnknownVersion,
    KeyMismatch,
    FutureTimestamp,
    Oversize,
    UnsupportedCurrency,
}

public static class RejectReasons
{
    public static IReadOnlyList<RejectReason> All { get; } = Enum.GetValues<RejectReason>();

    public static string WireName(this RejectReason reason) => reason switch
    {
        RejectReason.NotJson => "not-json",
        RejectReason.SchemaViolation => "schema-violation",
        RejectReason.UnknownVersion => "unknown-version",
        RejectReason.KeyMismatch => "key-mismatch",
        RejectReason.FutureTimestamp => "future-timestamp",
        RejectReason.Oversize => "oversize",
        RejectReason.UnsupportedCurrency => "unsupported-currency",
        _ => throw new ArgumentOutOfRangeException(nameof(reason)),
    };
}
