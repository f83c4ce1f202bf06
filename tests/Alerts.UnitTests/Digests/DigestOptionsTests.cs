using Alerts.Digests;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Alerts.UnitTests.Digests;

public sealed class DigestOptionsTests
{
    private static T Resolve<T>(Dictionary<string, string?> settings) where T : class
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection().AddSingleton<IConfiguration>(configuration);
        services.AddLogging();
        services.AddAlertsDigests();
        return services.BuildServiceProvider().GetRequiredService<IOptions<T>>().Value as T ?? throw new InvalidOperationException();
    }

    [Fact]
    public void Catch_up_window_defaults_to_six_hours() =>
        Assert.Equal(TimeSpan.FromHours(6), Resolve<DigestOptions>([]).CatchUpWindow);

    [Fact]
    public void Catch_up_window_is_read_from_configuration() =>
        Assert.Equal(TimeSpan.FromMinutes(90), Resolve<DigestOptions>(new() { ["Alerts:Digests:CatchUpWindow"] = "01:30:00" }).CatchUpWindow);

    [Fact]
    public void Negative_catch_up_window_fails_naming_the_key()
    {
        var error = Assert.Throws<OptionsValidationException>(() => Resolve<DigestOptions>(new() { ["Alerts:Digests:CatchUpWindow"] = "-01:00:00" }));
        Assert.Contains("'Alerts:Digests:CatchUpWindow'", error.Message);
    }

    [Fact]
    public void Digest_pages_default_to_a_thousand_readers() =>
        Assert.Equal(1000, Resolve<DigestOptions>([]).PageSize);

    [Theory]
    [InlineData("0")]
    [InlineData("10001")]
    public void Digest_page_size_out_of_range_fails_naming_the_key(string value)
    {
        var error = Assert.Throws<OptionsValidationException>(() => Resolve<DigestOptions>(new() { ["Alerts:Digests:PageSize"] = value }));
        Assert.Contains("'Alerts:Digests:PageSize'", error.Message);
    }

    [Fact]
    public void Catch_up_window_that_is_not_a_time_span_fails_naming_the_key()
    {
        var error = Assert.Throws<InvalidOperationException>(() => Resolve<DigestOptions>(new() { ["Alerts:Digests:CatchUpWindow"] = "six hours" }));
        Assert.Contains("Alerts:Digests:CatchUpWindow", error.Message);
    }

    [Theory]
    [InlineData("news.example")]
    [InlineData("javascript:alert(1)")]
    [InlineData("https://news.example/?a=1")]
    public void Public_base_url_must_be_an_absolute_http_url(string value)
    {
        var error = Assert.Throws<OptionsValidationException>(() => Resolve<PublicSiteOptions>(new() { ["Alerts:PublicBaseUrl"] = value }));
        Assert.Contains("'Alerts:PublicBaseUrl'", error.Message);
    }

    [Fact]
    public void Public_base_url_may_have_a_path() =>
        Assert.Equal("https://news.example/alerts", Resolve<PublicSiteOptions>(new() { ["Alerts:PublicBaseUrl"] = "https://news.example/alerts" }).PublicBaseUrl);
}
