using System.Buffers.Binary;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using Confluent.Kafka;
using Microsoft.Extensions.Logging;
using Streamiz.Kafka.Net;
using Streamiz.Kafka.Net.SerDes;
using Streamiz.Kafka.Net.State;
using Streamiz.Kafka.Net.Stream;
using Streamiz.Kafka.Net.Table;

// The peer of `stream bench peer`: what a team would write in Kafka Streams for .NET instead of Stream. One stream
// thread, at-least-once; the three input topics merged, each JSON value read once with Utf8JsonReader, and per
// customer (the record key) a count, a count per event type, the sum of amounts and the latest event time, kept in
// a RocksDB (or in-memory) store with its changelog topic. No validation, no dedupe, no windows, no scoring.
//
// Usage: stream-bench-peer BOOTSTRAP APPLICATION_ID rocksdb|memory STATE_DIR TOPIC...
// It runs until a line "stop" arrives on standard input, then prints the store's totals as one JSON line and exits. How a
// value is read is mirrored by the bench's own count of the input (PeerTotals in the CLI), which it compares with this.
if (args.Length < 5) throw new ArgumentException("usage: stream-bench-peer BOOTSTRAP APPLICATION_ID rocksdb|memory STATE_DIR TOPIC...");
var (bootstrap, applicationId, storeKind, stateDir, topics) = (args[0], args[1], args[2], args[3], args[4..]);
var bundled = Path.Combine(AppContext.BaseDirectory, "native", "librdkafka-centos8.so");
// As Stream.Kafka's NativeKafka does (Confluent's Library.Load needs an unversioned "libdl", which Debian lacks).
if (OperatingSystem.IsLinux() && File.Exists(bundled))
{
    var librdkafka = NativeLibrary.Load(bundled);
    NativeLibrary.SetDllImportResolver(typeof(Library).Assembly,
        (name, _, _) => name.Contains("librdkafka", StringComparison.Ordinal) ? librdkafka : IntPtr.Zero);
}

var config = new StreamConfig<StringSerDes, ByteArraySerDes>
{
    ApplicationId = applicationId,
    BootstrapServers = bootstrap,
    NumStreamThreads = 1,
    Guarantee = ProcessingGuarantee.AT_LEAST_ONCE,
    AutoOffsetReset = AutoOffsetReset.Earliest,
    StateDir = stateDir,
    // Kafka Streams' default is 30 s; the bench waits for committed offsets, so the peer commits as often as the
    // monitor writes under a backlog.
    CommitIntervalMs = 1000,
    ReplicationFactor = 1,
    // Warnings and errors go to standard error, which the bench shows if the peer fails.
    Logger = LoggerFactory.Create(b => b.SetMinimumLevel(Environment.GetEnvironmentVariable("STREAM_PEER_LOG") == "1" ? LogLevel.Debug : LogLevel.Warning)
        .AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace)),
};

var builder = new StreamBuilder();
var merged = builder.Stream<string, byte[]>(topics[0]);
foreach (var topic in topics[1..]) merged = merged.Merge(builder.Stream<string, byte[]>(topic));
const string StoreName = "customer-totals";
var grouped = merged.GroupByKey();
_ = storeKind switch
{
    "rocksdb" => grouped.Aggregate(() => new Totals(), (_, value, totals) => totals.Add(value), RocksDb.As<string, Totals, StringSerDes, TotalsSerDes>(StoreName)),
    "memory" => grouped.Aggregate(() => new Totals(), (_, value, totals) => totals.Add(value), InMemory.As<string, Totals, StringSerDes, TotalsSerDes>(StoreName)),
    _ => throw new ArgumentException($"unknown store {storeKind}: rocksdb or memory"),
};

using var stream = new KafkaStream(builder.Build(), config);
await stream.StartAsync();
while (Console.ReadLine() is { } line && line != "stop")
{
}

// Totals over the whole store, for the bench to compare with its own count of the input topics.
var store = stream.Store(StoreQueryParameters.FromNameAndType(StoreName, QueryableStoreTypes.KeyValueStore<string, Totals>()));
long customers = 0, events = 0, amountCents = 0;
var byType = new long[Totals.Types.Length + 1];
foreach (var kv in store.All())
{
    customers++;
    events += kv.Value.Count;
    amountCents += kv.Value.AmountCents;
    for (var t = 0; t < byType.Length; t++) byType[t] += kv.Value.ByType[t];
}
var typeCounts = Totals.Types.Append("other").Select((name, i) => $"\"{name}\":{byType[i]}");
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"{{\"customers\":{customers},\"events\":{events},\"amountCents\":{amountCents},\"byType\":{{{string.Join(',', typeCounts)}}}}}"));
stream.Dispose();

/// <summary>One customer's aggregate.</summary>
internal sealed class Totals
{
    public static readonly string[] Types =
    [
        "login", "session", "page_view", "app_view", "email_open", "email_click", "support_contact",
        "complaint", "survey_response", "purchase", "refund", "payment_due", "payment_received", "profile_updated",
    ];

    private static readonly byte[][] TypeBytes = [.. Types.Select(Encoding.UTF8.GetBytes)];

    public long Count;
    public long AmountCents;
    public long LastMs;
    public long[] ByType = new long[Types.Length + 1];

    /// <summary>
    /// Reads the fields it needs in one Utf8JsonReader pass. A value that is not one JSON object counts as "other"
    /// and adds nothing else; of a repeated field the last counts.
    /// </summary>
    public Totals Add(byte[] value)
    {
        Count++;
        var type = Types.Length;
        long amountCents = 0, lastMs = 0;
        try
        {
            var reader = new Utf8JsonReader(value);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject) throw new JsonException("not an object");
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("type"u8))
                {
                    reader.Read();
                    type = Types.Length;
                    for (var t = 0; t < TypeBytes.Length; t++)
                    {
                        if (reader.TokenType == JsonTokenType.String && reader.ValueTextEquals(TypeBytes[t])) type = t;
                    }
                    reader.Skip();
                }
                else if (reader.ValueTextEquals("amount"u8))
                {
                    reader.Read();
                    amountCents = reader.TokenType == JsonTokenType.Number && reader.TryGetDecimal(out var amount) && Math.Abs(amount) < 1e12m ? (long)Math.Round(amount * 100m) : 0;
                    reader.Skip();
                }
                else if (reader.ValueTextEquals("occurredAt"u8))
                {
                    reader.Read();
                    lastMs = reader.TokenType == JsonTokenType.String && reader.TryGetDateTimeOffset(out var at) ? at.ToUnixTimeMilliseconds() : 0;
                    reader.Skip();
                }
                else
                {
                    reader.Read();
                    reader.Skip();
                }
            }
            if (reader.TokenType != JsonTokenType.EndObject || reader.Read()) throw new JsonException("not one object");
        }
        catch (JsonException)
        {
            ByType[Types.Length]++;
            return this;
        }
        ByType[type]++;
        AmountCents += amountCents;
        LastMs = Math.Max(LastMs, lastMs);
        return this;
    }
}

/// <summary>Totals as fixed-width little-endian longs.</summary>
internal sealed class TotalsSerDes : AbstractSerDes<Totals>
{
    private const int Fields = 3;

    public override byte[] Serialize(Totals data, SerializationContext context)
    {
        var bytes = new byte[(Fields + data.ByType.Length) * sizeof(long)];
        var span = bytes.AsSpan();
        BinaryPrimitives.WriteInt64LittleEndian(span, data.Count);
        BinaryPrimitives.WriteInt64LittleEndian(span[8..], data.AmountCents);
        BinaryPrimitives.WriteInt64LittleEndian(span[16..], data.LastMs);
        for (var t = 0; t < data.ByType.Length; t++) BinaryPrimitives.WriteInt64LittleEndian(span[((Fields + t) * sizeof(long))..], data.ByType[t]);
        return bytes;
    }

    public override Totals Deserialize(byte[] data, SerializationContext context)
    {
        var span = data.AsSpan();
        var totals = new Totals
        {
            Count = BinaryPrimitives.ReadInt64LittleEndian(span),
            AmountCents = BinaryPrimitives.ReadInt64LittleEndian(span[8..]),
            LastMs = BinaryPrimitives.ReadInt64LittleEndian(span[16..]),
        };
        for (var t = 0; t < totals.ByType.Length; t++) totals.ByType[t] = BinaryPrimitives.ReadInt64LittleEndian(span[((Fields + t) * sizeof(long))..]);
        return totals;
    }
}
