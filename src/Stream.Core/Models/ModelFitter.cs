using MathNet.Numerics.LinearAlgebra;
using MathNet.Numerics.Optimization;

namespace Stream.Core.Models;

/// <summary>
/// Maximum-likelihood fits with MathNet's BFGS on log-parameters (so every parameter stays positive).
/// Customers with the same history are weighted once. BG/NBD time is rescaled by 1/max(T) while fitting, as
/// the batch library does, which keeps α near 1 and the problem well conditioned.
/// </summary>
public static class ModelFitter
{
    private const double StartingLogParameter = 0.1;

    public static ModelFit<BgNbdParameters> FitBgNbd(IReadOnlyCollection<RepeatPurchaseSummary> customers)
    {
        if (customers.Count == 0) throw new ArgumentException("no customers to fit", nameof(customers));
        var scale = 1 / customers.Max(c => c.Age);
        var groups = customers.GroupBy(c => (c.Frequency, c.Recency, c.Age))
            .Select(g => (Summary: new RepeatPurchaseSummary(g.Key.Frequency, g.Key.Recency * scale, g.Key.Age * scale, 0), Weight: (double)g.Count()))
            .ToArray();
        (double, Vector<double>) MeanNegativeLogLikelihood(Vector<double> theta)
        {
            var p = new BgNbdParameters(Math.Exp(theta[0]), Math.Exp(theta[1]), Math.Exp(theta[2]), Math.Exp(theta[3]));
            // Compensated sums: near the optimum the surface is so flat that plain summation noise over
            // thousands of terms would decide the last digits of the parameters.
            var sum = new CompensatedSum();
            Span<CompensatedSum> gradient = stackalloc CompensatedSum[4];
            Span<double> term = stackalloc double[4];
            foreach (var (summary, weight) in groups)
            {
                term.Clear();
                sum.Add(BgNbd.LogLikelihoodWithGradient(p, summary, weight, term));
                for (var i = 0; i < 4; i++) gradient[i].Add(term[i]);
            }
            return (-sum.Value / customers.Count, Negated(gradient, customers.Count));
        }
        var (theta, iterations) = Minimise(MeanNegativeLogLikelihood, 4);
        var fitted = new BgNbdParameters(Math.Exp(theta[0]), Math.Exp(theta[1]) / scale, Math.Exp(theta[2]), Math.Exp(theta[3]));
        return new ModelFit<BgNbdParameters>(fitted, BgNbd.LogLikelihood(fitted, customers), customers.Count, iterations);
    }

    /// <summary>Fits on the customers with a repeat purchase and positive mean spend; others carry no spend information.</summary>
    public static ModelFit<GammaGammaParameters> FitGammaGamma(IEnumerable<RepeatPurchaseSummary> customers)
    {
        var eligible = customers.Where(c => c.Frequency > 0 && c.MonetaryValue > 0).ToArray();
        if (eligible.Length == 0) throw new ArgumentException("no customer with a repeat purchase and positive spend", nameof(customers));
        (double, Vector<double>) MeanNegativeLogLikelihood(Vector<double> theta)
        {
            var g = new GammaGammaParameters(Math.Exp(theta[0]), Math.Exp(theta[1]), Math.Exp(theta[2]));
            var sum = new CompensatedSum();
            Span<CompensatedSum> gradient = stackalloc CompensatedSum[3];
            Span<double> term = stackalloc double[3];
            foreach (var c in eligible)
            {
                term.Clear();
                sum.Add(GammaGamma.LogLikelihoodWithGradient(g, c.Frequency, c.MonetaryValue, term));
                for (var i = 0; i < 3; i++) gradient[i].Add(term[i]);
            }
            return (-sum.Value / eligible.Length, Negated(gradient, eligible.Length));
        }
        var (theta, iterations) = Minimise(MeanNegativeLogLikelihood, 3);
        var fitted = new GammaGammaParameters(Math.Exp(theta[0]), Math.Exp(theta[1]), Math.Exp(theta[2]));
        return new ModelFit<GammaGammaParameters>(fitted, eligible.Sum(c => GammaGamma.LogLikelihood(fitted, c.Frequency, c.MonetaryValue)), eligible.Length, iterations);
    }

    private static Vector<double> Negated(ReadOnlySpan<CompensatedSum> gradient, int n)
    {
        var v = Vector<double>.Build.Dense(gradient.Length);
        for (var i = 0; i < gradient.Length; i++) v[i] = -gradient[i].Value / n;
        return v;
    }

    /// <summary>
    /// Real fits converge in tens of iterations (CDNOW: 23 and 26); a population with one dropout probability
    /// for everybody sends a and b to infinity together and takes ~800. Beyond this the fit is reported failed.
    /// </summary>
    private const int MaxIterations = 1_000;

    /// <summary>|log parameter| beyond this (a parameter above 1e13 or below 1e-13) means the optimum is at infinity.</summary>
    private const double DivergedLogParameter = 30;

    private static (Vector<double> Theta, int Iterations) Minimise(Func<Vector<double>, (double, Vector<double>)> f, int dimensions)
    {
        // A population without the heterogeneity a model assumes (say, every customer's spend drawn from one
        // distribution) drives parameters to infinity; stop there instead of iterating for minutes.
        var objective = ObjectiveFunction.Gradient(theta => theta.AbsoluteMaximum() > DivergedLogParameter
            ? throw new OptimizationException($"the likelihood has no finite maximum (parameters diverge: log-parameters {theta.ToVectorString("G3").ReplaceLineEndings(" ").Trim()})")
            : f(theta));
        var start = Vector<double>.Build.Dense(dimensions, StartingLogParameter);
        MinimizationResult result;
        try
        {
            result = new BfgsMinimizer(1e-10, 1e-14, 1e-16, MaxIterations).FindMinimum(objective, start);
        }
        catch (OptimizationException ex) when (ex.InnerException is OptimizationException reason)
        {
            throw reason; // the line search wraps ours; the reason is what tells
        }
        // BFGS stops once progress is small; Newton steps on a Hessian differenced from the exact gradient
        // then converge quadratically to the optimum (a few 1e-9 relative in the parameters).
        var theta = result.MinimizingPoint;
        var iterations = result.Iterations;
        for (var step = 0; step < 5; step++)
        {
            var (_, gradient) = f(theta);
            var hessian = Matrix<double>.Build.Dense(dimensions, dimensions);
            for (var j = 0; j < dimensions; j++)
            {
                const double h = 1e-5;
                var up = theta.Clone();
                var down = theta.Clone();
                up[j] += h;
                down[j] -= h;
                hessian.SetColumn(j, (f(up).Item2 - f(down).Item2) / (2 * h));
            }
            hessian = (hessian + hessian.Transpose()) / 2;
            var delta = hessian.Solve(-gradient);
            var candidate = theta + delta;
            // So close to the optimum the objective changes below double precision; the gradient still tells.
            if (!double.IsFinite(delta.L2Norm()) || f(candidate).Item2.L2Norm() >= gradient.L2Norm()) break;
            theta = candidate;
            iterations++;
            if (delta.InfinityNorm() < 1e-12) break;
        }
        return (theta, iterations);
    }
}
