using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.Metadata;

namespace Alerts.Security;

/// <summary>
/// How large a request body may be: 16 KB on public routes (a subscribe body is under 2 KB), 64 KB on
/// editor and admin routes, 100 MB on the audience import (NDJSON, about 400 bytes a subscription).
/// A larger body answers 413 problem+json before it is read; a body without a length is read up to
/// the limit and no further.
/// </summary>
public static class RequestBodyLimits
{
    public const long Public = 16 * 1024;
    public const long Editor = 64 * 1024;
    public const long Import = 100L * 1024 * 1024;

    /// <summary>Gives a route its own limit, e.g. <c>.WithBodyLimit(RequestBodyLimits.Import)</c> on the import route.</summary>
    public static TBuilder WithBodyLimit<TBuilder>(this TBuilder builder, long bytes) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new BodyLimit(bytes));

    /// <summary>Must run after routing, so the route's limit is known.</summary>
    public static IApplicationBuilder UseRequestBodyLimits(this IApplicationBuilder app) => app.Use(async (http, next) =>
    {
        var limit = LimitFor(http.GetEndpoint());
        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } server) server.MaxRequestBodySize = limit;

        if (http.Request.ContentLength > limit)
        {
            await TooLarge(http, limit);
            return;
        }
        if (http.Request.ContentLength is null && limit <= Editor && HasBody(http))
        {
            // No length given (chunked): read it here, at most limit + 1 bytes, so a handler never sees more.
            var buffer = new MemoryStream();
            try
            {
                await CopyAtMostAsync(http.Request.Body, buffer, limit + 1, http.RequestAborted);
            }
            catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
            {
                await TooLarge(http, limit);
                return;
            }
            if (buffer.Length > limit)
            {
                await TooLarge(http, limit);
                return;
            }
            buffer.Position = 0;
            http.Request.Body = buffer;
        }
        await next(http);
    });

    public static long LimitFor(Endpoint? endpoint)
    {
        if (endpoint?.Metadata.GetMetadata<IRequestSizeLimitMetadata>() is { MaxRequestBodySize: { } own }) return own;
        return endpoint?.Metadata.GetMetadata<IAuthorizeData>() is not null ? Editor : Public;
    }

    private static bool HasBody(HttpContext http) =>
        http.Features.Get<IHttpRequestBodyDetectionFeature>()?.CanHaveBody ?? http.Request.Headers.TransferEncoding.Count > 0;

    private static async Task CopyAtMostAsync(Stream source, Stream target, long max, CancellationToken cancellationToken)
    {
        var chunk = new byte[8192];
        while (target.Length < max)
        {
            var read = await source.ReadAsync(chunk.AsMemory(0, (int)Math.Min(chunk.Length, max - target.Length)), cancellationToken);
            if (read == 0) return;
            await target.WriteAsync(chunk.AsMemory(0, read), cancellationToken);
        }
    }

    private static Task TooLarge(HttpContext http, long limit) =>
        Results.Problem($"The request body is larger than {Describe(limit)}, the limit for this route.",
            statusCode: StatusCodes.Status413PayloadTooLarge, title: "Request body too large").ExecuteAsync(http);

    public static string Describe(long bytes) => bytes >= 1024 * 1024 ? $"{bytes / (1024 * 1024)} MB" : $"{bytes / 1024} KB";

    private sealed record BodyLimit(long Bytes) : IRequestSizeLimitMetadata
    {
        public long? MaxRequestBodySize => Bytes;
    }
}
