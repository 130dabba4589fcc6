using System.Text;
using Stream.Core.Events;
using Stream.Producer.Simulation;

namespace Stream.Producer.Tests;

/// <summary>
/// The reader's promise to the ingest loop: any bytes at all give a verdict, never an exception. An exception
/// escaping it fails the flush, which reads the same record again, so one bad record would stop its partition
/// for good. Seeded byte-level damage to simulated events of every type, read both ways.
/// </summary>
[Trait("Category", "Unit")]
public sealed class ReaderFuzzTests
{
    private static readonly EventReader Reader = new(new EventLimits { MaxFutureSkew = TimeSpan.FromDays(36_500) });
    private static readonly DateTimeOffset RecordTime = new(2026, 11, 25, 0, 0, 0, TimeSpan.Zero);

    // Bytes that stress a JSON reader and UTF-8: structure, quotes and escapes, digits and signs, and
    // continuation, lead and never-valid bytes.
    private static readonly byte[] Interesting = "{}[]\":,\\u0-+.eE9 tnf"u8.ToArray().Concat(new byte[] { 0x00, 0x1F, 0x7F, 0x80, 0xBF, 0xC0, 0xC2, 0xE0, 0xED, 0xF0, 0xF4, 0xF5, 0xFF }).ToArray();

    [Fact]
    public void Damaged_events_get_a_verdict_and_both_reads_agree()
    {
        var samples = new CustomerSimulator(new SimulationOptions { Customers = 200, Seed = 11, Start = RecordTime.AddDays(-365) })
            .Records().Where(r => r.ExpectedReject is null).Take(2_000).ToList();
        Assert.Equal(EventTypes.Count, samples.Select(r => r.Event!.Type).Distinct().Count());
        var random = new Random(20261130);
        var rejected = 0;
        const int Cases = 200_000;
        for (var i = 0; i < Cases; i++)
        {
            var sample = samples[random.Next(samples.Count)];
            var damaged = Damage(sample.Value, random);
            EventParseResult result;
            try
            {
                result = BothReads.Read(Reader, damaged, sample.Kind, sample.Key, RecordTime);
            }
            catch (Exception ex) when (ex is not Xunit.Sdk.XunitException)
            {
                Assert.Fail($"case {i}: {ex.GetType().Name} escaped the reader ({ex.Message}) for {Convert.ToHexString(damaged)} = {Encoding.UTF8.GetString(damaged)}");
                return;
            }
            if (!result.IsValid) rejected++;
        }
        // Most damage breaks the event; what still reads is damage inside a value that keeps it valid.
        Assert.InRange(rejected, Cases / 2, Cases);
    }

    /// <summary>One to four edits: overwrite, insert or delete a byte, or cut the payload short.</summary>
    private static byte[] Damage(byte[] payload, Random random)
    {
        var bytes = new List<byte>(payload);
        var edits = random.Next(1, 5);
        for (var e = 0; e < edits && bytes.Count > 0; e++)
        {
            var at = random.Next(bytes.Count);
            var value = random.Next(3) == 0 ? (byte)random.Next(256) : Interesting[random.Next(Interesting.Length)];
            switch (random.Next(4))
            {
                case 0: bytes[at] = value; break;
                case 1: bytes.Insert(at, value); break;
                case 2: bytes.RemoveAt(at); break;
                default: bytes.RemoveRange(at, bytes.Count - at); break;
            }
        }
        return [.. bytes];
    }
}
