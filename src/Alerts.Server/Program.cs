using Alerts.Hosting;

var builder = WebApplication.CreateBuilder(args);
builder.AddApplicationServices();

var app = builder.Build();
await app.PrepareAsync();
app.MapApplication();
app.Run();

/// <summary>The host; public so functional tests can start it with WebApplicationFactory.</summary>
public partial class Program;
