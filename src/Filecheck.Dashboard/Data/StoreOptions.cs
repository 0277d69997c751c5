using Microsoft.Extensions.Options;

namespace Filecheck.Dashboard.Data;

/// <summary>The engines the store runs on.</summary>
public enum StoreEngine
{
    /// <summary>One file beside the dashboard: nothing to set up, one instance.</summary>
    Sqlite,
    /// <summary>A PostgreSQL database named by <c>ConnectionStrings:History</c>: several instances on one store.</summary>
    Postgres,
}

/// <summary>Where the store lives. The keys keep the names they always had (<c>History:DatabasePath</c>), so settings still apply.</summary>
public sealed class StoreOptions
{
    public const string Section = "History";
    public const string DatabasePathKey = Section + ":DatabasePath";
    public const string ProviderKey = Section + ":Provider";
    public const string ConnectionStringName = "History";
    public const string ConnectionStringKey = "ConnectionStrings:" + ConnectionStringName;
    public const string MigrateAtStartKey = Section + ":MigrateAtStart";

    /// <summary><c>Sqlite</c> (the default) or <c>Postgres</c>; bound as text so that a typo is named, not thrown by the binder.</summary>
    public string Provider { get; set; } = nameof(StoreEngine.Sqlite);

    /// <summary>The SQLite file; relative paths are under the content root (the repository root when run from source).</summary>
    public string DatabasePath { get; set; } = "data/filecheck-dashboard.db";

    /// <summary>The PostgreSQL connection string (from <c>ConnectionStrings:History</c>); unused on SQLite.</summary>
    public string? ConnectionString { get; set; }

    /// <summary>
    /// True (the default): a start applies the pending migrations (on PostgreSQL under an advisory lock: one instance
    /// applies, the others wait). False: a store behind this version refuses the start, naming the <c>migrate</c> command.
    /// </summary>
    public bool MigrateAtStart { get; set; } = true;

    /// <summary>The engine <see cref="Provider"/> names; SQLite for a value the validator refuses.</summary>
    public StoreEngine Engine => TryParseEngine(Provider, out var engine) ? engine : StoreEngine.Sqlite;

    internal static bool TryParseEngine(string? value, out StoreEngine engine)
    {
        engine = StoreEngine.Sqlite;
        if (string.IsNullOrWhiteSpace(value)) return true;
        // Only the two names, in any case: Enum.TryParse would also take "1" or " postgres,sqlite".
        foreach (var name in Enum.GetValues<StoreEngine>())
        {
            if (string.Equals(value.Trim(), name.ToString(), StringComparison.OrdinalIgnoreCase))
            {
                engine = name;
                return true;
            }
        }
        return false;
    }
}

/// <summary>Names the exact key of a bad setting, so the start fails with something to fix.</summary>
internal sealed class StoreOptionsValidator : IValidateOptions<StoreOptions>
{
    public ValidateOptionsResult Validate(string? name, StoreOptions o)
    {
        if (!StoreOptions.TryParseEngine(o.Provider, out var engine))
        {
            return ValidateOptionsResult.Fail($"{StoreOptions.ProviderKey} must be Sqlite or Postgres, not '{o.Provider}'.");
        }
        if (engine == StoreEngine.Postgres && string.IsNullOrWhiteSpace(o.ConnectionString))
        {
            return ValidateOptionsResult.Fail(
                $"{StoreOptions.ProviderKey} is Postgres, so {StoreOptions.ConnectionStringKey} must name the database (Host=…;Database=…;Username=…).");
        }
        if (engine == StoreEngine.Postgres && !IsConnectionString(o.ConnectionString!, out var reason))
        {
            return ValidateOptionsResult.Fail($"{StoreOptions.ConnectionStringKey} is not a PostgreSQL connection string: {reason}");
        }
        return engine == StoreEngine.Sqlite && string.IsNullOrWhiteSpace(o.DatabasePath)
            ? ValidateOptionsResult.Fail($"{StoreOptions.DatabasePathKey} must name a file.")
            : ValidateOptionsResult.Success;
    }

    private static bool IsConnectionString(string value, out string reason)
    {
        try
        {
            var parsed = new Npgsql.NpgsqlConnectionStringBuilder(value);
            reason = "";
            if (!string.IsNullOrWhiteSpace(parsed.Host)) return true;
            reason = "it names no Host.";
            return false;
        }
        catch (Exception e) when (e is ArgumentException or FormatException or InvalidCastException or OverflowException)
        {
            // The message names the bad keyword; the value (which may hold a password) is never repeated.
            reason = e.Message;
            return false;
        }
    }
}
