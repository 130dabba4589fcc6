using Stream.Core.Scoring;

namespace Stream.Monitor.Models;

/// <summary>
/// The population model this instance scores with. Swapped as one reference, so a review or an API call
/// uses one whole model version from start to end.
/// </summary>
public sealed class CurrentModel
{
    private PopulationModel? _model;

    public PopulationModel? Model => Volatile.Read(ref _model);

    /// <summary>Installs <paramref name="model"/> unless a newer version is already installed; true if installed.</summary>
    public bool Offer(PopulationModel model)
    {
        while (true)
        {
            var current = Volatile.Read(ref _model);
            if (current is not null && current.Version >= model.Version) return false;
            if (Interlocked.CompareExchange(ref _model, model, current) == current) return true;
        }
    }
}
