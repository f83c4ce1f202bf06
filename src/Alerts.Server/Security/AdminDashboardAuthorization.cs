using Hangfire.Dashboard;

namespace Alerts.Security;

/// <summary>
/// The Hangfire dashboard's own check, replacing its default (local requests only, which would let
/// anyone on the same host or behind a local proxy in). The endpoint already requires the Admin policy,
/// so ASP.NET Core answers 401/403 with problem+json first; this is the second lock on the same door.
/// </summary>
public sealed class AdminDashboardAuthorization : IDashboardAuthorizationFilter
{
    public bool Authorize(DashboardContext context)
    {
        var user = context.GetHttpContext().User;
        return user.Identity?.IsAuthenticated == true && user.IsInRole(ApiKeyOptions.AdminRole);
    }
}
