using Alerts.Security;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Net.Http.Headers;

namespace Alerts.Subscriptions;

/// <summary>POST /api/admin/subscriptions/import: an audience as NDJSON, streamed into <see cref="SubscriptionImport"/>.</summary>
public static class SubscriptionImportApi
{
    public const string Route = "/api/admin/subscriptions/import";
    public const string NdjsonMediaType = "application/x-ndjson";

    public static IEndpointRouteBuilder MapSubscriptionImportApi(this IEndpointRouteBuilder app)
    {
        app.MapPost(Route, Import)
            .RequireAuthorization(ApiKeyDefaults.AdminPolicy)
            .WithBodyLimit(RequestBodyLimits.Import)
            .WithName("ImportSubscriptions")
            .WithSummary("Import subscriptions as NDJSON, one subscribe body per line; a known endpoint is updated.");
        return app;
    }

    private static async Task<Results<Ok<ImportResult>, ProblemHttpResult>> Import(
        HttpRequest http, SubscriptionImport import, CancellationToken cancellationToken)
    {
        if (!MediaTypeHeaderValue.TryParse(http.ContentType, out var type) ||
            !type.MediaType.Equals(NdjsonMediaType, StringComparison.OrdinalIgnoreCase))
        {
            return TypedResults.Problem(
                $"Send the subscriptions as '{NdjsonMediaType}': one JSON subscribe body (as POST /api/subscriptions takes it) per line; got '{http.ContentType ?? "no Content-Type"}'.",
                statusCode: StatusCodes.Status415UnsupportedMediaType, title: "Unsupported media type");
        }
        try
        {
            return TypedResults.Ok(await import.ImportAsync(http.BodyReader, cancellationToken));
        }
        catch (SubscriptionImportInterruptedException e) when (e.InnerException is BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge })
        {
            var soFar = e.SoFar;
            return TypedResults.Problem(
                $"The body is larger than {RequestBodyLimits.Describe(RequestBodyLimits.Import)}, the limit for this route. Lines 1 to {e.LastLine} were imported " +
                $"({soFar.Imported} new, {soFar.Updated} updated, {soFar.Rejected} rejected); send the rest in another request (re-sending a line updates it).",
                statusCode: StatusCodes.Status413PayloadTooLarge, title: "Request body too large",
                extensions: new Dictionary<string, object?> { ["lastLine"] = e.LastLine, ["imported"] = soFar.Imported, ["updated"] = soFar.Updated, ["rejected"] = soFar.Rejected });
        }
    }
}
