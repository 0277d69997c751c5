using System.Data.Common;
using System.Globalization;

namespace Filecheck.Dashboard.Data;

/// <summary>
/// The one seam where SQL written by hand differs between the engines, chosen by the provider. The statements themselves
/// are written so both read them alike: names double-quoted (SQLite ignores the quotes' case, PostgreSQL needs them for
/// mixed case), parameters as <c>@name</c> (both drivers take it), sums cast to BIGINT (PostgreSQL's SUM of a bigint is
/// numeric), <c>IS NOT DISTINCT FROM</c> for a comparison that matches NULL, booleans as bound values, never 0 and 1.
/// What is left differs by type: a day is <c>yyyy-MM-dd</c> text on SQLite and a <c>date</c> on PostgreSQL.
/// </summary>
public abstract class StoreDialect
{
    public static readonly StoreDialect Sqlite = new SqliteDialect();
    public static readonly StoreDialect Postgres = new PostgresDialect();

    public static StoreDialect For(DashboardDbContext db) => db.IsPostgres() ? Postgres : Sqlite;

    /// <summary>A day as the engine stores it, to bind as a parameter.</summary>
    public abstract object Day(DateOnly day);

    /// <summary>A day column read back, whichever type the engine returns it as.</summary>
    public static DateOnly ReadDay(DbDataReader reader, int ordinal) => reader.GetValue(ordinal) switch
    {
        string text => DateOnly.ParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture),
        DateOnly day => day,
        DateTime time => DateOnly.FromDateTime(time),
        var other => throw new InvalidCastException($"A day column held {other.GetType().Name}."),
    };

    /// <summary>A command on the connection with its text; parameters added by <see cref="Add"/>.</summary>
    public static DbCommand Command(DbConnection connection, string sql)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        return command;
    }

    /// <summary>Binds <c>@name</c>; null binds SQL NULL.</summary>
    public static void Add(DbCommand command, string name, object? value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = "@" + name;
        parameter.Value = value ?? DBNull.Value;
        command.Parameters.Add(parameter);
    }

    private sealed class SqliteDialect : StoreDialect
    {
        public override object Day(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
    }

    private sealed class PostgresDialect : StoreDialect
    {
        public override object Day(DateOnly day) => day;
    }
}
