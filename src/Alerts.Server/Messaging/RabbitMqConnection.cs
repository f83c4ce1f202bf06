using RabbitMQ.Client;

namespace Alerts.Messaging;

/// <summary>
/// <c>ConnectionStrings:RabbitMq</c>: one AMQP URI, or a cluster's nodes as a comma-separated host list
/// in its place (<c>amqp://user:password@10.0.0.1:5672,10.0.0.2:5672,10.0.0.3/vhost</c>): credentials,
/// virtual host and query apply to every node. A connection goes to the first node that answers, in the
/// order given, and to the next one when it is lost.
/// </summary>
public sealed record RabbitMqConnection(Uri Uri, IReadOnlyList<RabbitMqNode> Nodes)
{
    public const string Key = "ConnectionStrings:RabbitMq";
    internal const string Default = "amqp://guest:guest@127.0.0.1:5672/";

    public bool IsCluster => Nodes.Count > 1;

    public static RabbitMqConnection From(IConfiguration configuration)
    {
        var value = configuration[Key];
        return Parse(string.IsNullOrWhiteSpace(value) ? Default : value);
    }

    public static RabbitMqConnection Parse(string value)
    {
        value = value.Trim();
        var schemeEnd = value.IndexOf("://", StringComparison.Ordinal);
        var scheme = schemeEnd > 0 ? value[..schemeEnd].ToLowerInvariant() : "";
        if (scheme is not ("amqp" or "amqps" or "rabbitmq" or "rabbitmqs")) throw Invalid("it must start with amqp:// or amqps://");

        var rest = value[(schemeEnd + 3)..];
        var authorityEnd = rest.IndexOfAny(['/', '?']);
        var authority = authorityEnd < 0 ? rest : rest[..authorityEnd];
        var tail = authorityEnd < 0 ? "" : rest[authorityEnd..];
        var at = authority.LastIndexOf('@');
        var userInfo = at < 0 ? "" : authority[..(at + 1)];
        var hosts = (at < 0 ? authority : authority[(at + 1)..]).Split(',', StringSplitOptions.TrimEntries);

        var defaultPort = scheme is "amqps" or "rabbitmqs" ? 5671 : 5672;
        var nodes = new List<RabbitMqNode>();
        foreach (var host in hosts)
        {
            if (host.Length == 0) throw Invalid("its host list has an empty entry");
            if (!Uri.TryCreate($"{scheme}://{host}/", UriKind.Absolute, out var node) || node.AbsolutePath != "/" || node.Host.Length == 0)
                throw Invalid($"'{host}' is not a host or host:port");
            if (hosts.Length > 1 && node.HostNameType == UriHostNameType.IPv6)
                throw Invalid($"'{host}': IPv6 addresses cannot be listed in a cluster; use host names");
            nodes.Add(new RabbitMqNode(node.Host, node.IsDefaultPort ? defaultPort : node.Port));
        }
        if (nodes.Distinct().Count() != nodes.Count) throw Invalid("a node is listed twice");

        // The first node stands for the host (virtual host, credentials, options); the list is the cluster.
        if (!Uri.TryCreate($"{scheme}://{userInfo}{hosts[0]}{tail}", UriKind.Absolute, out var uri))
            throw Invalid("it is not a valid URI");
        return new RabbitMqConnection(uri, nodes);
    }

    /// <summary>For RabbitMQ.Client (operator commands, start-up checks): every node, in order.</summary>
    public ConnectionFactory Factory(string clientName)
    {
        // RabbitMQ.Client knows only amqp and amqps; MassTransit also takes rabbitmq and rabbitmqs.
        var uri = new UriBuilder(Uri) { Scheme = Uri.Scheme is "amqps" or "rabbitmqs" ? "amqps" : "amqp" }.Uri;
        return new ConnectionFactory { Uri = uri, ClientProvidedName = clientName };
    }

    public IList<AmqpTcpEndpoint> Endpoints(ConnectionFactory factory) =>
        Nodes.Select(n => new AmqpTcpEndpoint(n.Host, n.Port, factory.Ssl)).ToList();

    public string Describe() => string.Join(", ", Nodes);

    private static InvalidOperationException Invalid(string why) => new(
        $"Configuration key '{Key}' must be an AMQP URI such as amqp://user:password@host:5672/vhost, or for a cluster " +
        $"amqp://user:password@host1:5672,host2:5672,host3:5672/vhost; {why}.");
}

public sealed record RabbitMqNode(string Host, int Port)
{
    public override string ToString() => $"{Host}:{Port}";
}
