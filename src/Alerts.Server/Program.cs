using Alerts.Hosting;
using Alerts.Operations;

// `Alerts.Server VERB …` runs one operator command (generate-vapid-keys, migrate, …) and exits.
if (OperatorCommands.Recognizes(args)) return await OperatorCommands.RunAsync(args, Console.Out, Console.Error);

var builder = WebApplication.CreateBuilder(args);
builder.AddApplicationServices();

var app = builder.Build();
await app.PrepareAsync();
app.MapApplication();
await app.RunAsync();
return 0;

/// <summary>The host; public so functional tests can start it with WebApplicationFactory.</summary>
public partial class Program;
