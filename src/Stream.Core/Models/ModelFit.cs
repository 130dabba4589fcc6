namespace Stream.Core.Models;

/// <summary>The result of a maximum-likelihood fit.</summary>
public sealed record ModelFit<TParameters>(TParameters Parameters, double LogLikelihood, int Customers, int Iterations);
