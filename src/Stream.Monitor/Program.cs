using Stream.Monitor;

var builder = WebApplication.CreateBuilder(args);
builder.AddStreamMonitor();

var app = builder.Build();
app.MapStreamMonitor();
app.Run();
