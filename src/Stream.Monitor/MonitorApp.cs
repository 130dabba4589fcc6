namespace Stream.Monitor;

/// <summary>Builds a monitor inside another process (the CLI's demo and bench, and tests).</summary>
public static class MonitorApp
{
    /// <param name="settings">Configuration keys such as <c>Stream:Kafka:BootstrapServers</c>; they override appsettings and environment.</param>
    /// <param name="urls">Where the HTTP endpoints listen, e.g. <c>http://127.0.0.1:0</c>.</param>
    public static WebApplication Create(IReadOnlyDictionary<string, string?> settings, string urls, Action<ILoggingBuilder>? logging = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory, Args = [] });
        builder.Configuration.AddInMemoryCollection(settings);
        // As configuration too, so what derives from Urls (the static member id) sees these, not appsettings'.
        builder.Configuration["Urls"] = urls;
        builder.WebHost.UseUrls(urls);
        logging?.Invoke(builder.Logging);
        builder.AddStreamMonitor();
        var app = builder.Build();
        app.MapStreamMonitor();
        return app;
    }

    /// <summary>Where a started monitor listens (with port 0 it binds a free one).</summary>
    public static string Address(WebApplication app) =>
        app.Services.GetRequiredService<Microsoft.AspNetCore.Hosting.Server.IServer>()
            .Features.Get<Microsoft.AspNetCore.Hosting.Server.Features.IServerAddressesFeature>()!.Addresses.First();
}
