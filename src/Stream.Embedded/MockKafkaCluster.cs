using System.Runtime.InteropServices;
using Stream.Kafka;

namespace Stream.Embedded;

/// <summary>
/// librdkafka's built-in mock cluster: a real Kafka protocol server on loopback, living in this process.
/// Ordinary clients, here or in other processes, reach it through <see cref="BootstrapServers"/>.
/// </summary>
public sealed unsafe class MockKafkaCluster : IDisposable
{
    private readonly IntPtr _handle;
    private readonly IntPtr _cluster;
    private readonly Api _api;
    private bool _disposed;

    public MockKafkaCluster(int brokers = 1)
    {
        NativeKafka.EnsureLoaded();
        _api = new Api(NativeLibrary.Load(NativeKafka.LoadedPath ?? "librdkafka"));

        var errstr = stackalloc byte[512];
        var conf = _api.ConfNew();
        // The handle only hosts the cluster and never connects: its notice that no bootstrap.servers is set would
        // be the demo's first line. Warnings and errors still show. (UTF-8 literals end in a zero byte: C strings.)
        fixed (byte* name = "log_level"u8, value = "4"u8)
        {
            if (_api.ConfSet(conf, name, value, errstr, 512) != 0)
                throw new InvalidOperationException($"rd_kafka_conf_set failed: {Marshal.PtrToStringUTF8((IntPtr)errstr)}");
        }
        _handle = _api.New(0, conf, errstr, 512);
        if (_handle == IntPtr.Zero)
            throw new InvalidOperationException($"rd_kafka_new failed: {Marshal.PtrToStringUTF8((IntPtr)errstr)}");
        _cluster = _api.ClusterNew(_handle, brokers);
        if (_cluster == IntPtr.Zero)
            throw new InvalidOperationException("rd_kafka_mock_cluster_new failed");
        BootstrapServers = Marshal.PtrToStringUTF8(_api.Bootstraps(_cluster))!;
        // The default 3 s delay before the first group rebalance only slows tests and the demo.
        _api.InitialRebalanceDelay(_cluster, 0);
    }

    public string BootstrapServers { get; }

    public void CreateTopic(string topic, int partitions)
    {
        var name = Marshal.StringToCoTaskMemUTF8(topic);
        try
        {
            var err = _api.TopicCreate(_cluster, name, partitions, 1);
            if (err != 0) throw new InvalidOperationException($"creating mock topic {topic} failed with librdkafka error {err}");
        }
        finally
        {
            Marshal.FreeCoTaskMem(name);
        }
    }

    /// <summary>Takes a broker down (ids from 1): its connections close and it accepts none until <see cref="SetBrokerUp"/>.</summary>
    public void SetBrokerDown(int brokerId = 1) => Check(_api.BrokerSetDown(_cluster, brokerId), "rd_kafka_mock_broker_set_down");

    public void SetBrokerUp(int brokerId = 1) => Check(_api.BrokerSetUp(_cluster, brokerId), "rd_kafka_mock_broker_set_up");

    private static void Check(int err, string call)
    {
        if (err != 0) throw new InvalidOperationException($"{call} failed with librdkafka error {err}");
    }

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        _api.ClusterDestroy(_cluster);
        _api.Destroy(_handle);
    }

    private sealed class Api(IntPtr lib)
    {
        public readonly delegate* unmanaged<IntPtr> ConfNew = (delegate* unmanaged<IntPtr>)NativeLibrary.GetExport(lib, "rd_kafka_conf_new");
        public readonly delegate* unmanaged<IntPtr, byte*, byte*, byte*, nuint, int> ConfSet = (delegate* unmanaged<IntPtr, byte*, byte*, byte*, nuint, int>)NativeLibrary.GetExport(lib, "rd_kafka_conf_set");
        public readonly delegate* unmanaged<int, IntPtr, byte*, nuint, IntPtr> New = (delegate* unmanaged<int, IntPtr, byte*, nuint, IntPtr>)NativeLibrary.GetExport(lib, "rd_kafka_new");
        public readonly delegate* unmanaged<IntPtr, void> Destroy = (delegate* unmanaged<IntPtr, void>)NativeLibrary.GetExport(lib, "rd_kafka_destroy");
        public readonly delegate* unmanaged<IntPtr, int, IntPtr> ClusterNew = (delegate* unmanaged<IntPtr, int, IntPtr>)NativeLibrary.GetExport(lib, "rd_kafka_mock_cluster_new");
        public readonly delegate* unmanaged<IntPtr, void> ClusterDestroy = (delegate* unmanaged<IntPtr, void>)NativeLibrary.GetExport(lib, "rd_kafka_mock_cluster_destroy");
        public readonly delegate* unmanaged<IntPtr, IntPtr> Bootstraps = (delegate* unmanaged<IntPtr, IntPtr>)NativeLibrary.GetExport(lib, "rd_kafka_mock_cluster_bootstraps");
        public readonly delegate* unmanaged<IntPtr, IntPtr, int, int, int> TopicCreate = (delegate* unmanaged<IntPtr, IntPtr, int, int, int>)NativeLibrary.GetExport(lib, "rd_kafka_mock_topic_create");
        public readonly delegate* unmanaged<IntPtr, int, int> BrokerSetDown = (delegate* unmanaged<IntPtr, int, int>)NativeLibrary.GetExport(lib, "rd_kafka_mock_broker_set_down");
        public readonly delegate* unmanaged<IntPtr, int, int> BrokerSetUp = (delegate* unmanaged<IntPtr, int, int>)NativeLibrary.GetExport(lib, "rd_kafka_mock_broker_set_up");
        public readonly delegate* unmanaged<IntPtr, int, int> InitialRebalanceDelay = (delegate* unmanaged<IntPtr, int, int>)NativeLibrary.GetExport(lib, "rd_kafka_mock_group_initial_rebalance_delay_ms");
    }
}
