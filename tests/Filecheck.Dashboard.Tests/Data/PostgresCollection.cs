namespace Filecheck.Dashboard.Tests.Data;

/// <summary>
/// Every test on PostgreSQL is in this one collection: one cluster for the run (<see cref="Filecheck.Testing.PostgresCluster"/>),
/// a fresh database per class (<see cref="Filecheck.Testing.PostgresDatabase"/>), and the classes one after another, so the
/// second engine adds its own time once instead of competing with the SQLite tests for the two cores.
/// </summary>
[CollectionDefinition(Name)]
public sealed class PostgresCollection : ICollectionFixture<PostgresCollection.Lifetime>
{
    public const string Name = "PostgreSQL";

    /// <summary>Stops and removes the cluster when the collection ends, while the test process is still running normally.</summary>
    public sealed class Lifetime : IDisposable
    {
        public void Dispose() => Filecheck.Testing.PostgresCluster.StopIfStarted();
    }
}
