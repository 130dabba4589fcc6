using System.CommandLine;
using Stream.Cli.Commands;

var root = new RootCommand("Stream: a real-time customer monitor on Kafka and Redis.")
{
    DemoCommand.Create(),
    SimulateCommand.Create(),
    EmitCommand.Create(),
    ReplayCommand.Create(),
    SnapshotCommand.Create(),
    FitCommand.Create(),
    new Command("bench", "Benchmarks that print figures; long-running, not tests.") { BenchIngestCommand.Create(), BenchLatencyCommand.Create(), BenchModelsCommand.Create(), BenchRecoveryCommand.Create(), BenchPeerCommand.Create() },
};
return await root.Parse(args).InvokeAsync();
