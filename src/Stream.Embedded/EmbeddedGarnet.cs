using Garnet;

namespace Stream.Embedded;

/// <summary>An in-process Redis-protocol store (Microsoft Garnet) so the demo needs nothing installed.</summary>
public sealed class EmbeddedGarnet : IDisposable
{
    private readonly GarnetServer _server;

    public EmbeddedGarnet(int? port = null)
    {
        Port = port ?? FreePort.Next();
        _server = new GarnetServer(["--port", Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--lua", "--index", "128m", "--memory", "2g", "-q"]);
        _server.Start();
    }

    public int Port { get; }

    public string ConnectionString => $"127.0.0.1:{Port}";

    public void Dispose() => _server.Dispose();
}
