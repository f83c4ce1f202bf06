using Alerts.Delivery;
using Alerts.Hosting;
using Alerts.Sections;
using Alerts.Security;
using Microsoft.Extensions.Configuration;

namespace Alerts.UnitTests.Hosting;

/// <summary>A configuration mistake stops start-up with a message naming the key.</summary>
public sealed class ConfigurationTests
{
    private static IConfiguration Config(params (string Key, string Value)[] values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values.Select(v => KeyValuePair.Create(v.Key, (string?)v.Value))).Build();

    [Fact]
    public void Defaults_are_the_embedded_mode_with_every_role()
    {
        var options = AlertsOptions.From(Config());
        Assert.Equal(new AlertsOptions(TransportKind.InMemory, StorageKind.Sqlite, ServerRoles.All), options);
    }

    [Fact]
    public void Roles_parse_from_a_list_or_a_comma_separated_value()
    {
        Assert.Equal(ServerRoles.Worker, AlertsOptions.From(Config(("Alerts:Roles", "Worker"))).Roles);
        Assert.Equal(ServerRoles.Api | ServerRoles.Scheduler, AlertsOptions.From(Config(("Alerts:Roles:0", "Api"), ("Alerts:Roles:1", "scheduler"))).Roles);
    }

    [Theory]
    [InlineData("Alerts:Transport", "Kafka")]
    [InlineData("Alerts:Storage", "Oracle")]
    [InlineData("Alerts:Roles", "Api,Mailer")]
    public void Unknown_mode_names_its_key(string key, string value)
    {
        var error = Assert.Throws<InvalidOperationException>(() => AlertsOptions.From(Config((key, value))));
        Assert.Contains($"'{key}'", error.Message);
    }

    [Fact]
    public void Bad_section_names_its_key()
    {
        var error = Assert.Throws<InvalidOperationException>(() => SectionCatalog.From(Config(("Alerts:Sections:0:Id", "World News"), ("Alerts:Sections:0:Name", "World"))));
        Assert.Contains("'Alerts:Sections:0:Id'", error.Message);
        Assert.Equal(["world", "cricket"], SectionCatalog.From(Config(("Alerts:Sections:0:Id", "world"), ("Alerts:Sections:0:Name", "World"),
            ("Alerts:Sections:1:Id", "cricket"), ("Alerts:Sections:1:Name", "Cricket"))).All.Select(s => s.Id));
    }

    [Fact]
    public void Bad_api_key_names_its_key_without_printing_it()
    {
        var keys = new ApiKeyOptions { Keys = [new ApiKey { Name = "desk", Key = "short-secret", Role = "Editor" }, new ApiKey { Name = "x", Key = "long-enough-secret-1", Role = "Owner" }] };
        var errors = keys.Validate().ToList();
        Assert.Contains(errors, e => e.Contains("'Alerts:ApiKeys:0:Key'"));
        Assert.Contains(errors, e => e.Contains("'Alerts:ApiKeys:1:Role'"));
        Assert.DoesNotContain(errors, e => e.Contains("short-secret") || e.Contains("long-enough-secret-1"));
    }

    [Fact]
    public void Bad_push_origin_names_its_key()
    {
        var result = new PushOptionsValidator().Validate(null, new PushOptions { AllowedOrigins = ["https://fcm.googleapis.com", "fcm.googleapis.com/path"] });
        Assert.True(result.Failed);
        Assert.Contains("'Alerts:Push:AllowedOrigins:1'", result.FailureMessage);
    }

    [Theory]
    [InlineData(0, true)]
    [InlineData(3, true)]
    [InlineData(10, true)]
    [InlineData(1000, true)]
    [InlineData(-1, false)]
    [InlineData(2, false)]
    [InlineData(1001, false)]
    public void Silent_after_pushes_is_off_or_a_sensible_count(int pushes, bool valid)
    {
        var result = new PushOptionsValidator().Validate(null, new PushOptions { SilentAfterPushes = pushes });
        Assert.Equal(valid, result.Succeeded);
        if (!valid) Assert.Contains("'Alerts:Push:SilentAfterPushes'", result.FailureMessage);
    }

    [Theory]
    [InlineData(null, true)]
    [InlineData(1, true)]
    [InlineData(0, false)]
    [InlineData(10_000_001, false)]
    public void Article_throttle_is_unset_or_a_rate(int? perMinute, bool valid)
    {
        var result = new PushOptionsValidator().Validate(null, new PushOptions { ArticleThrottlePerMinute = perMinute });
        Assert.Equal(valid, result.Succeeded);
        if (!valid) Assert.Contains("'Alerts:Push:ArticleThrottlePerMinute'", result.FailureMessage);
    }

    [Fact]
    public void Vapid_subject_must_be_a_contact()
    {
        var validator = new VapidOptionsValidator();
        var subject = validator.Validate(null, new VapidOptions { Subject = "newsroom" });
        var half = validator.Validate(null, new VapidOptions { PublicKey = "abc" });
        var wrong = validator.Validate(null, new VapidOptions { PublicKey = "abc", PrivateKey = "def" });

        Assert.Contains("'Alerts:Vapid:Subject'", subject.FailureMessage);
        Assert.Contains("must be set together", half.FailureMessage);
        Assert.Contains("not a P-256 key pair", wrong.FailureMessage);
        Assert.True(validator.Validate(null, new VapidOptions { Subject = "mailto:desk@news.example" }).Succeeded);
    }
}
