namespace Filecheck.Dashboard.Data;

/// <summary>
/// An audit table a feature keeps in the store, pruned with the rest of the audit (<c>History:Retention:AuditAge</c>) in
/// the history's retention pass: each feature registers its own, so the history never reaches into another's tables.
/// </summary>
public interface IAuditTable
{
    /// <summary>Removes rows older than <paramref name="before"/>, at most <paramref name="batchSize"/>; returns how many went.</summary>
    Task<int> PruneAsync(DateTimeOffset before, int batchSize, CancellationToken ct);
}
