using Stream.Core.State;
using Stream.Monitor.Storage;

namespace Stream.Monitor.Ingest.Flush;

/// <summary>
/// The load stage: reads from Redis the states of the customers a batch needs that are not cached, one MGET per
/// partition and one round for all partitions. It runs twice per flush: before reading, for the customers the
/// record keys name, so each event applies as it is parsed; and after the review timers are fetched, for the
/// customers due for review and any an event named that its key did not.
/// </summary>
internal sealed class CustomerLoader(CustomerStateStore store)
{
    public KeyedBatch[] LoadByKey(IReadOnlyList<TakenBatch> batches)
    {
        var keyed = new KeyedBatch[batches.Count];
        Parallel.For(0, batches.Count, i => keyed[i] = new KeyedBatch(batches[i], batches[i].Owner.Customers.EntriesByKey(batches[i].Records)));
        LoadQueued(batches.Select(b => b.Owner));
        return keyed;
    }

    public LoadedBatch[] LoadQueued(IReadOnlyList<TimedBatch> batches)
    {
        LoadQueued(batches.Select(b => b.Read.Owner));
        return [.. batches.Select(b => new LoadedBatch(b))];
    }

    private void LoadQueued(IEnumerable<OwnedPartition> owners)
    {
        var loading = owners.Where(p => p.Customers.Loading.Count > 0)
            .Select(p => (p.Customers, Load: store.LoadAsync(p.Number, p.Customers.Loading.Select(e => e.CustomerId).ToList()))).ToList();
        Task.WaitAll(loading.Select(l => (Task)l.Load).ToArray());
        Parallel.ForEach(loading, l => l.Customers.CompleteLoading(l.Load.Result));
    }
}
