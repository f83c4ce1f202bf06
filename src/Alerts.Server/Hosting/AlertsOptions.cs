namespace Alerts.Hosting;

public enum TransportKind { InMemory, RabbitMq }

public enum StorageKind { Sqlite, Postgres }

[Flags]
public enum ServerRoles { None = 0, Api = 1, Worker = 2, Scheduler = 4, All = Api | Worker | Scheduler }

/// <summary>
/// The choices that shape the host (transport, store, roles). They are read while services are
/// registered, before the options system runs, so a bad value fails here naming its key.
/// </summary>
public sealed record AlertsOptions(TransportKind Transport, StorageKind Storage, ServerRoles Roles)
{
    public bool Has(ServerRoles role) => (Roles & role) == role;

    public static AlertsOptions From(IConfiguration configuration)
    {
        var transport = ParseEnum(configuration, "Alerts:Transport", TransportKind.InMemory);
        var storage = ParseEnum(configuration, "Alerts:Storage", StorageKind.Sqlite);
        return new AlertsOptions(transport, storage, ParseRoles(configuration));
    }

    private static T ParseEnum<T>(IConfiguration configuration, string key, T fallback) where T : struct, Enum
    {
        var value = configuration[key];
        if (string.IsNullOrWhiteSpace(value)) return fallback;
        if (Enum.TryParse<T>(value.Trim(), ignoreCase: true, out var parsed) && Enum.IsDefined(parsed)) return parsed;
        throw new InvalidOperationException(
            $"Configuration key '{key}' has the value '{value}'; expected one of: {string.Join(", ", Enum.GetNames<T>())}.");
    }

    private static ServerRoles ParseRoles(IConfiguration configuration)
    {
        const string key = "Alerts:Roles";
        var section = configuration.GetSection(key);
        var values = section.GetChildren().Select(c => c.Value).ToList();
        if (section.Value is { } single) values.AddRange(single.Split(',', ';', ' '));
        values.RemoveAll(string.IsNullOrWhiteSpace);
        if (values.Count == 0) return ServerRoles.All;

        var roles = ServerRoles.None;
        foreach (var value in values)
        {
            if (!Enum.TryParse<ServerRoles>(value!.Trim(), ignoreCase: true, out var role) || role is ServerRoles.None or ServerRoles.All)
                throw new InvalidOperationException(
                    $"Configuration key '{key}' contains '{value}'; expected any of: Api, Worker, Scheduler.");
            roles |= role;
        }
        return roles;
    }
}
