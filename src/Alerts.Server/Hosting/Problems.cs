using Microsoft.AspNetCore.Http.HttpResults;

namespace Alerts.Hosting;

/// <summary>Collects field errors and turns them into one RFC 9457 answer whose detail says what is wrong.</summary>
public sealed class ValidationErrors
{
    private readonly Dictionary<string, List<string>> _errors = new(StringComparer.Ordinal);

    public bool Any => _errors.Count > 0;

    public void Add(string field, string message)
    {
        if (!_errors.TryGetValue(field, out var list)) _errors[field] = list = [];
        list.Add(message);
    }

    public string Detail => string.Join(" ", _errors.SelectMany(e => e.Value.Select(m => $"{e.Key}: {m}.")));

    public ProblemHttpResult ToProblem() => Problems.BadRequest(Detail, _errors.ToDictionary(e => e.Key, e => (object?)e.Value.ToArray()));
}

public static class Problems
{
    public static ProblemHttpResult BadRequest(string detail, IDictionary<string, object?>? errors = null) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status400BadRequest, title: "The request is not valid",
            extensions: errors is null ? null : new Dictionary<string, object?> { ["errors"] = errors });

    public static ProblemHttpResult NotFound(string detail) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status404NotFound, title: "Not found");

    public static ProblemHttpResult Unauthorized(string detail) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status401Unauthorized, title: "Authentication required");

    public static ProblemHttpResult Forbidden(string detail) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status403Forbidden, title: "Not allowed");

    public static ProblemHttpResult Conflict(string detail) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status409Conflict, title: "Conflict");
}
