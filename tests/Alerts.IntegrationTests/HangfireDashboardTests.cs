using System.Net;
using System.Net.Http.Headers;
using Alerts.IntegrationTests.Infrastructure;

namespace Alerts.IntegrationTests;

/// <summary>The Hangfire dashboard (jobs, servers, retries) is for Admin keys only.</summary>
public sealed class HangfireDashboardTests(ProductionModeFixture fixture) : IClassFixture<ProductionModeFixture>
{
    private AlertsServer Server => fixture.Server;

    [Theory]
    [InlineData("/hangfire")]
    [InlineData("/hangfire/recurring")]
    [InlineData("/hangfire/stats")]
    public async Task Dashboard_without_a_key_answers_401(string path)
    {
        var response = await Server.CreateClient().GetAsync(path);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Dashboard_with_an_unknown_key_answers_401()
    {
        var client = Server.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "not-a-key-0123456789abcdef");
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/hangfire")).StatusCode);
    }

    [Theory]
    [InlineData("/hangfire")]
    [InlineData("/hangfire/recurring")]
    public async Task Dashboard_with_an_editor_key_answers_403(string path)
    {
        var response = await Server.Editor().GetAsync(path);
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public async Task Dashboard_with_an_admin_key_shows_the_digest_jobs()
    {
        var response = await Server.Admin().GetAsync("/hangfire/recurring");
        var html = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"Admin got {(int)response.StatusCode}: {html[..Math.Min(300, html.Length)]}");
        Assert.Contains("digests", html);
        Assert.Contains("quiet-hours-release", html);
    }
}
