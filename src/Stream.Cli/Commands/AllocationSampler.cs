using System.Collections.Concurrent;
using System.Diagnostics.Tracing;

namespace Stream.Cli.Commands;

/// <summary>
/// Allocated bytes by type from the runtime's own allocation sampling (an event about every 100 KB, naming
/// the type that crossed the mark): which types a run allocates, not exact sizes. Listening costs CPU, so
/// only when asked for.
/// </summary>
internal sealed class AllocationSampler : EventListener
{
    private const string RuntimeSource = "Microsoft-Windows-DotNETRuntime";
    private const long GcKeyword = 0x1;
    private readonly ConcurrentDictionary<string, long> _bytesByType = new();

    public IReadOnlyDictionary<string, long> BytesByType => _bytesByType;

    protected override void OnEventSourceCreated(EventSource source)
    {
        if (source.Name == RuntimeSource) EnableEvents(source, EventLevel.Verbose, (EventKeywords)GcKeyword);
    }

    protected override void OnEventWritten(EventWrittenEventArgs e)
    {
        if (e.EventName is null || !e.EventName.StartsWith("GCAllocationTick", StringComparison.Ordinal) || e.PayloadNames is null) return;
        var type = e.PayloadNames.IndexOf("TypeName") is var t and >= 0 ? e.Payload![t] as string ?? "?" : "?";
        var bytes = e.PayloadNames.IndexOf("AllocationAmount64") is var a and >= 0 ? Convert.ToInt64(e.Payload![a]) : 100_000;
        // Large objects (85,000 bytes and more) go to the large object heap, which only gen2 collections sweep.
        if (e.PayloadNames.IndexOf("AllocationKind") is var k and >= 0 && Convert.ToInt32(e.Payload![k]) == 1) type += " (large)";
        _bytesByType.AddOrUpdate(type, bytes, (_, sum) => sum + bytes);
    }
}
