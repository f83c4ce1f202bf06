using Alerts.Storage;
using Microsoft.EntityFrameworkCore;

namespace Alerts.Digests;

/// <summary>
/// How the recurring jobs walk the readers they have work for: pages of subscription ids in id order
/// (each page read in its own scope, so no long-lived context), each page handled with bounded parallelism.
/// </summary>
internal static class DueSubscriptions
{
    private const int PageSize = 500;

    public static async Task ForEachAsync(
        IServiceScopeFactory scopes, Func<AlertsDbContext, IQueryable<Guid>> due, int maxConcurrency,
        Func<Guid, CancellationToken, Task> handle, CancellationToken cancellationToken)
    {
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = maxConcurrency, CancellationToken = cancellationToken };
        Guid? after = null;
        while (true)
        {
            List<Guid> page;
            await using (var scope = scopes.CreateAsyncScope())
            {
                var ids = due(scope.ServiceProvider.GetRequiredService<AlertsDbContext>());
                if (after is { } last) ids = ids.Where(id => id.CompareTo(last) > 0);
                page = await ids.OrderBy(id => id).Take(PageSize).ToListAsync(cancellationToken);
            }
            if (page.Count == 0) return;
            await Parallel.ForEachAsync(page, parallel, async (id, token) => await handle(id, token));
            after = page[^1];
        }
    }
}
