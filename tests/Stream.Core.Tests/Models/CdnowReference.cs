using System.Globalization;
using System.Text.Json;
using Stream.Core.Models;

namespace Stream.Core.Tests.Models;

/// <summary>The CDNOW reference files: summary, fitted parameters and per-customer predictions.</summary>
internal static class CdnowReference
{
    public static readonly Lazy<IReadOnlyList<(int Id, RepeatPurchaseSummary Summary)>> Summary = new(() =>
        File.ReadLines(ReferenceData.PathOf("cdnow", "summary.csv")).Skip(1).Select(l => l.Split(','))
            .Select(f => (int.Parse(f[0], CultureInfo.InvariantCulture), new RepeatPurchaseSummary(D(f[1]), D(f[2]), D(f[3]), D(f[4])))).ToList());

    public static readonly Lazy<IReadOnlyList<Prediction>> Predictions = new(() =>
        File.ReadLines(ReferenceData.PathOf("cdnow", "predictions.csv")).Skip(1).Select(l => l.Split(','))
            .Select(f => new Prediction(int.Parse(f[0], CultureInfo.InvariantCulture), D(f[1]), D(f[2]), D(f[3]), D(f[4]), f[5] == "1", D(f[6]), D(f[7]))).ToList());

    public static readonly Lazy<JsonElement> BgNbdJson = new(() => JsonDocument.Parse(File.ReadAllText(ReferenceData.PathOf("cdnow", "bgnbd.json"))).RootElement);
    public static readonly Lazy<JsonElement> GammaGammaJson = new(() => JsonDocument.Parse(File.ReadAllText(ReferenceData.PathOf("cdnow", "gammagamma.json"))).RootElement);

    public static BgNbdParameters BgNbdParameters
    {
        get
        {
            var p = BgNbdJson.Value.GetProperty("params");
            return new(p.GetProperty("r").GetDouble(), p.GetProperty("alpha").GetDouble(), p.GetProperty("a").GetDouble(), p.GetProperty("b").GetDouble());
        }
    }

    public static GammaGammaParameters GammaGammaParameters
    {
        get
        {
            var p = GammaGammaJson.Value.GetProperty("params");
            return new(p.GetProperty("p").GetDouble(), p.GetProperty("q").GetDouble(), p.GetProperty("v").GetDouble());
        }
    }

    private static double D(string s) => double.Parse(s, CultureInfo.InvariantCulture);

    public sealed record Prediction(int Id, double PAlive, double E30, double E90, double E365, bool InGgFit, double ExpectedProfit, double Clv12);
}
