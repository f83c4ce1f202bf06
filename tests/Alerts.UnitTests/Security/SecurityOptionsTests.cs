using Alerts.Sections;
using Alerts.Security;

namespace Alerts.UnitTests.Security;

/// <summary>Every security option is bound and checked the same way; a mistake names its key.</summary>
public sealed class SecurityOptionsTests
{
    [Fact]
    public void Forwarded_headers_name_the_bad_proxy_or_network()
    {
        var result = new ForwardedHeadersSettingsValidator().Validate(null,
            new ForwardedHeadersSettings { KnownProxies = ["10.0.0.5", "proxy.internal"], KnownNetworks = ["10.0.0.0/8", "10.0.0.0"] });
        Assert.Contains("'Alerts:ForwardedHeaders:KnownProxies:1'", result.FailureMessage);
        Assert.Contains("'Alerts:ForwardedHeaders:KnownNetworks:1'", result.FailureMessage);
        Assert.DoesNotContain("KnownProxies:0", result.FailureMessage);
    }

    [Fact]
    public void Rate_limits_name_the_bad_limit()
    {
        var result = new RateLimitOptionsValidator().Validate(null, new RateLimitOptions { SubscribePerMinute = 0, FailedAuthPerMinute = -1 });
        Assert.Contains("'Alerts:RateLimits:SubscribePerMinute'", result.FailureMessage);
        Assert.Contains("'Alerts:RateLimits:FailedAuthPerMinute'", result.FailureMessage);
    }

    [Fact]
    public void Management_settings_name_the_bad_url_or_network()
    {
        var result = new ManagementOptionsValidator().Validate(null, new ManagementOptions { Urls = ["127.0.0.1:9090"], AllowedNetworks = ["10.1.0.0/99"] });
        Assert.Contains("'Alerts:ManagementUrls'", result.FailureMessage);
        Assert.Contains("'Alerts:Management:AllowedNetworks:0'", result.FailureMessage);
        Assert.True(new ManagementOptionsValidator().Validate(null, new ManagementOptions { Urls = ["http://127.0.0.1:9090"] }).Succeeded);
    }

    [Fact]
    public void Cors_names_the_bad_origin()
    {
        var result = new PublisherSitesOptionsValidator().Validate(null, new PublisherSitesOptions { AllowedOrigins = ["https://news.example", "news.example/path"] });
        Assert.Contains("'Alerts:Cors:AllowedOrigins:1'", result.FailureMessage);
    }

    [Fact]
    public void Sections_name_the_bad_entry()
    {
        var result = new SectionOptionsValidator().Validate(null, new SectionOptions
        {
            Sections = [new() { Id = "world", Name = "World" }, new() { Id = "world", Name = "Again" }, new() { Id = "sports", Name = " " }],
        });
        Assert.Contains("'Alerts:Sections:1:Id' repeats", result.FailureMessage);
        Assert.Contains("'Alerts:Sections:2:Name'", result.FailureMessage);
    }
}
