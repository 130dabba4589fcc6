using Stream.Core.Events;
using Xunit;

namespace Stream.Tests.Shared;

/// <summary>
/// Reads a payload both ways the code does — as a <see cref="CustomerEvent"/> and as the <see cref="EventFacts"/>
/// the pipeline applies — asserts the two agree (verdict, reason, detail, and for a valid event the facts that
/// the event gives), and returns the event's result. Every reader test that goes through here checks both paths.
/// </summary>
public static class BothReads
{
    public static EventParseResult Read(EventReader reader, byte[] payload, EventKind kind, string? key, DateTimeOffset recordTime)
    {
        var keyBytes = key is null ? [] : System.Text.Encoding.UTF8.GetBytes(key);
        var result = reader.Read(payload, kind, keyBytes, key is not null, recordTime);
        var facts = reader.ReadFacts(payload, kind, keyBytes, key is not null, recordTime);
        Assert.Equal(result.IsValid, facts.IsValid);
        Assert.Equal(result.Reason, facts.Reason);
        Assert.Equal(result.Detail, facts.Detail);
        if (result.IsValid) Assert.Equal(EventFacts.Of(result.Event), facts.Facts);
        return result;
    }
}
