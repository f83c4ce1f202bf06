using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;

namespace Alerts.Security;

/// <summary>Alerts:RateLimits: per client (IPv4 address or IPv6 /64) limits.</summary>
public sealed class RateLimitOptions
{
    public const string SectionKey = "Alerts:RateLimits";

    /// <summary>Calls a minute to the public subscription routes; reads get ten times as many.</summary>
    public int SubscribePerMinute { get; set; } = 30;

    /// <summary>401 answers a minute after which a client's authenticated calls wait (429 with Retry-After).</summary>
    public int FailedAuthPerMinute { get; set; } = 10;
}

internal sealed class RateLimitOptionsValidator : IValidateOptions<RateLimitOptions>
{
    public ValidateOptionsResult Validate(string? name, RateLimitOptions options)
    {
        var errors = new List<string>();
        if (options.SubscribePerMinute < 1) errors.Add($"Configuration key '{RateLimitOptions.SectionKey}:SubscribePerMinute' must be at least 1.");
        if (options.FailedAuthPerMinute < 1) errors.Add($"Configuration key '{RateLimitOptions.SectionKey}:FailedAuthPerMinute' must be at least 1.");
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}

/// <summary>Per client limits on the public routes. The client is the connection's address, or the one a known proxy forwarded.</summary>
public static class RateLimiting
{
    public const string PublicPolicy = "public";
    public const string ReadPolicy = "public-read";

    public static IServiceCollection AddAlertsRateLimiting(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<RateLimitOptions>().BindConfiguration(RateLimitOptions.SectionKey).ValidateOnStart();
        services.AddSingleton<IValidateOptions<RateLimitOptions>, RateLimitOptionsValidator>();
        services.AddSingleton<FailedAuthThrottle>();
        services.AddRateLimiter(limiter =>
        {
            limiter.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            limiter.OnRejected = (context, _) =>
            {
                var perMinute = PerMinute(context.HttpContext);
                context.HttpContext.Response.Headers.RetryAfter = "60";
                return new ValueTask(Results.Problem($"Too many requests from this address: at most {perMinute} a minute.",
                    statusCode: StatusCodes.Status429TooManyRequests, title: "Too many requests").ExecuteAsync(context.HttpContext));
            };
            limiter.AddPolicy(PublicPolicy, http => PerClient(http, PerMinute(http)));
            // Pages read sections and articles on every view: allow more of those.
            limiter.AddPolicy(ReadPolicy, http => PerClient(http, PerMinute(http) * 10));
        });
        return services;
    }

    private static int PerMinute(HttpContext http) =>
        http.RequestServices.GetRequiredService<IOptions<RateLimitOptions>>().Value.SubscribePerMinute;

    private static RateLimitPartition<string> PerClient(HttpContext http, int perMinute) =>
        RateLimitPartition.GetFixedWindowLimiter($"{perMinute}|{ClientAddress.PartitionKey(http)}",
            _ => new FixedWindowRateLimiterOptions { PermitLimit = perMinute, Window = TimeSpan.FromMinutes(1), QueueLimit = 0 });
}
