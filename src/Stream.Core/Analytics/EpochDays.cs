namespace Stream.Core.Analytics;

/// <summary>Day numbers as stored in state: whole UTC days since 1970-01-01.</summary>
public static class EpochDays
{
    private static readonly int UnixEpoch = DateOnly.FromDateTime(DateTime.UnixEpoch).DayNumber;

    public static int Of(DateOnly date) => date.DayNumber - UnixEpoch;

    public static DateOnly ToDate(int epochDay) => DateOnly.FromDayNumber(epochDay + UnixEpoch);
}
