using Alerts.Security;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Patterns;

namespace Alerts.UnitTests.Security;

/// <summary>Which body limit a route gets: 16 KB public, 64 KB with a key, its own when it says so (the import).</summary>
public sealed class RequestBodyLimitsTests
{
    private sealed class Conventions : IEndpointConventionBuilder
    {
        public List<Action<EndpointBuilder>> All { get; } = [];
        public void Add(Action<EndpointBuilder> convention) => All.Add(convention);
    }

    private static Endpoint Route(Action<Conventions> configure)
    {
        var conventions = new Conventions();
        configure(conventions);
        var builder = new RouteEndpointBuilder(_ => Task.CompletedTask, RoutePatternFactory.Parse("/x"), 0);
        foreach (var convention in conventions.All) convention(builder);
        return builder.Build();
    }

    [Fact]
    public void Public_routes_take_16_KB() => Assert.Equal(16 * 1024, RequestBodyLimits.LimitFor(Route(_ => { })));

    [Fact]
    public void Routes_that_need_a_key_take_64_KB() =>
        Assert.Equal(64 * 1024, RequestBodyLimits.LimitFor(Route(r => r.RequireAuthorization("Editor"))));

    [Fact]
    public void The_import_route_takes_100_MB()
    {
        var import = Route(r => r.RequireAuthorization("Admin").WithBodyLimit(RequestBodyLimits.Import));
        Assert.Equal(100L * 1024 * 1024, RequestBodyLimits.LimitFor(import));
        Assert.Equal("100 MB", RequestBodyLimits.Describe(RequestBodyLimits.LimitFor(import)));
    }

    [Fact]
    public void Requests_outside_any_route_take_16_KB() => Assert.Equal(16 * 1024, RequestBodyLimits.LimitFor(null));
}
