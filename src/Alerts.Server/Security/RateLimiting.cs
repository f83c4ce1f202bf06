using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;

namespace Alerts.Security;

/// <summary>Per client IP limits on the public routes (Alerts:RateLimits).</summary>
public static class RateLimiting
{
    public const string PublicPolicy = "public";
    public const string ReadPolicy = "public-read";
    private const string Key = "Alerts:RateLimits:SubscribePerMinute";

    public static IServiceCollection AddAlertsRateLimiting(this IServiceCollection services, IConfiguration configuration)
    {
        var perMinute = configuration.GetValue<int?>(Key) ?? 30;
        if (perMinute < 1) throw new InvalidOperationException($"Configuration key '{Key}' must be at least 1.");

        services.AddRateLimiter(limiter =>
        {
            limiter.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            limiter.OnRejected = (context, _) =>
            {
                context.HttpContext.Response.Headers.RetryAfter = "60";
                return new ValueTask(Results.Problem($"Too many requests from this address: at most {perMinute} a minute.",
                    statusCode: StatusCodes.Status429TooManyRequests, title: "Too many requests").ExecuteAsync(context.HttpContext));
            };
            limiter.AddPolicy(PublicPolicy, http => PerClient(http, perMinute));
            // Pages read sections and articles on every view: allow more of those.
            limiter.AddPolicy(ReadPolicy, http => PerClient(http, perMinute * 10));
        });
        return services;
    }

    private static RateLimitPartition<string> PerClient(HttpContext http, int perMinute) =>
        RateLimitPartition.GetFixedWindowLimiter(http.Connection.RemoteIpAddress?.ToString() ?? "unknown",
            _ => new FixedWindowRateLimiterOptions { PermitLimit = perMinute, Window = TimeSpan.FromMinutes(1), QueueLimit = 0 });
}
