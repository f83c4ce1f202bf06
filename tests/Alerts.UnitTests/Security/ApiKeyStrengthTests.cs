using Alerts.Security;

namespace Alerts.UnitTests.Security;

/// <summary>Start-up refuses placeholder and weak API keys, and two keys with one name, naming the key and never printing it.</summary>
public sealed class ApiKeyStrengthTests
{
    private const string Strong = "k7Qm2xV9pL4sR8wN6zB1cF5hJ0yDaT3e";

    private static List<string> Errors(params ApiKey[] keys) => new ApiKeyOptions { Keys = [.. keys] }.Validate().ToList();

    [Theory]
    [InlineData("change-me-editor-key-0123456789")]
    [InlineData("CHANGEME0123456789abcdefghijklmnop")]
    [InlineData("example-Key-7Qm2xV9pL4sR8wN6zB1cF5")]
    [InlineData("my-Secret-7Qm2xV9pL4sR8wN6zB1cF5h")]
    [InlineData("Password-7Qm2xV9pL4sR8wN6zB1cF5hJ")]
    public void Placeholder_keys_are_refused_naming_the_key(string key)
    {
        var errors = Errors(new ApiKey { Name = "desk", Key = key, Role = "Editor" });
        var error = Assert.Single(errors);
        Assert.Contains("'Alerts:ApiKeys:0:Key'", error);
        Assert.Contains("placeholder", error);
        Assert.DoesNotContain(key, error);
    }

    [Theory]
    [InlineData("aaaaaaaaaaaaaaaaaaaaaaaa")]          // 24 × log2(26) ≈ 113 bits
    [InlineData("my-editor-key-123456")]              // 20 × log2(69) ≈ 122 bits
    [InlineData("0123456789012345678901234567890123")] // 34 × log2(10) ≈ 113 bits
    public void Keys_under_128_bits_are_refused(string key)
    {
        var error = Assert.Single(Errors(new ApiKey { Name = "desk", Key = key, Role = "Editor" }));
        Assert.Contains("'Alerts:ApiKeys:0:Key' is too weak", error);
        Assert.DoesNotContain(key, error);
    }

    [Fact]
    public void Random_keys_pass()
    {
        Assert.Empty(Errors(new ApiKey { Name = "desk", Key = Strong, Role = "Editor" }));
        // What 'openssl rand -base64 32' gives: about 260 bits by this estimate.
        Assert.Empty(Errors(new ApiKey { Name = "cms", Key = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)), Role = "Admin" }));
        Assert.True(ApiKeyOptions.EstimatedEntropyBits(Strong) >= 128);
    }

    [Fact]
    public void Two_keys_with_one_name_are_refused()
    {
        var errors = Errors(
            new ApiKey { Name = "desk", Key = Strong, Role = "Editor" },
            new ApiKey { Name = "Desk", Key = "Zp9" + Strong[3..], Role = "Admin" });
        Assert.Contains(errors, e => e.Contains("'Alerts:ApiKeys:1:Name' repeats the name"));
    }
}
