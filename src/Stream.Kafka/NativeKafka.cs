using System.Runtime.InteropServices;
using Confluent.Kafka;

namespace Stream.Kafka;

/// <summary>
/// Points Confluent.Kafka at a librdkafka that loads here. On Debian the package's default build needs
/// libsasl2.so.3, which Debian does not ship; the package's centos8 build, copied beside this assembly,
/// loads everywhere. Elsewhere Confluent.Kafka's own resolution is left alone.
/// </summary>
public static class NativeKafka
{
    private static readonly Lock Gate = new();
    private static bool _configured;

    /// <summary>Path of the bundled librdkafka when it is used; the mock cluster binds to the same file.</summary>
    public static string? LoadedPath { get; private set; }

    public static void EnsureLoaded()
    {
        lock (Gate)
        {
            if (_configured) return;
            _configured = true;
            var bundled = Path.Combine(AppContext.BaseDirectory, "native", "librdkafka-centos8.so");
            if (!OperatingSystem.IsLinux() || RuntimeInformation.ProcessArchitecture != Architecture.X64 || !File.Exists(bundled)) return;
            var handle = NativeLibrary.Load(bundled);
            LoadedPath = bundled;
            NativeLibrary.SetDllImportResolver(typeof(Library).Assembly,
                (name, _, _) => name.Contains("librdkafka", StringComparison.Ordinal) ? handle : IntPtr.Zero);
        }
    }
}
