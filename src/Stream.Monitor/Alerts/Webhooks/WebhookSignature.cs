using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Stream.Monitor.Alerts.Webhooks;

/// <summary>
/// The <c>Stream-Signature</c> header of a webhook request: <c>t={unix seconds},v1={hex HMAC-SHA256}</c>, the HMAC
/// keyed with the endpoint's secret over <c>{t}.{body}</c>. A receiver recomputes it from the raw body, compares in
/// constant time and rejects old timestamps, so a captured request cannot be replayed later or altered.
/// </summary>
public static class WebhookSignature
{
    public const string Header = "Stream-Signature";

    public static string Sign(string secret, long unixSeconds, ReadOnlySpan<byte> body) =>
        $"t={unixSeconds.ToString(CultureInfo.InvariantCulture)},v1={Mac(secret, unixSeconds, body)}";

    /// <summary>The hex HMAC-SHA256 of <c>{t}.{body}</c>.</summary>
    private static string Mac(string secret, long unixSeconds, ReadOnlySpan<byte> body)
    {
        var t = unixSeconds.ToString(CultureInfo.InvariantCulture);
        var signed = new byte[Encoding.ASCII.GetByteCount(t) + 1 + body.Length];
        var n = Encoding.ASCII.GetBytes(t, signed);
        signed[n] = (byte)'.';
        body.CopyTo(signed.AsSpan(n + 1));
        return Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), signed));
    }

    /// <summary>Whether <paramref name="header"/> signs <paramref name="body"/> with <paramref name="secret"/>, made within <paramref name="tolerance"/> of <paramref name="now"/>.</summary>
    public static bool Verify(string secret, string header, ReadOnlySpan<byte> body, DateTimeOffset now, TimeSpan tolerance)
    {
        string? t = null, v1 = null;
        foreach (var part in header.Split(','))
        {
            if (part.StartsWith("t=", StringComparison.Ordinal)) t = part[2..];
            else if (part.StartsWith("v1=", StringComparison.Ordinal)) v1 = part[3..];
        }
        if (t is null || v1 is null || !long.TryParse(t, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)) return false;
        if ((now - DateTimeOffset.FromUnixTimeSeconds(seconds)).Duration() > tolerance) return false;
        return CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(Mac(secret, seconds, body)), Encoding.ASCII.GetBytes(v1));
    }
}
