namespace Stream.Core.Models;

/// <summary>BG/NBD parameters (Fader, Hardie and Lee 2005): purchase rate Gamma(r, α), dropout Beta(a, b); time in days.</summary>
public sealed record BgNbdParameters(double R, double Alpha, double A, double B)
{
    public bool IsValid => R > 0 && Alpha > 0 && A > 0 && B > 0 && double.IsFinite(R + Alpha + A + B);
}
