# One image with the monitor (default) and the CLI (simulate, emit, bench).
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
COPY . .
RUN dotnet publish src/Stream.Monitor -c Release -o /app/monitor \
 && dotnet publish src/Stream.Cli -c Release -o /app/cli

FROM mcr.microsoft.com/dotnet/aspnet:10.0
WORKDIR /app
COPY --from=build /app /app
ENV Urls=http://0.0.0.0:8080
EXPOSE 8080
ENTRYPOINT ["dotnet", "/app/monitor/Stream.Monitor.dll"]
