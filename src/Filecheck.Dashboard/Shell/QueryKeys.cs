using System.Globalization;

namespace Filecheck.Dashboard.Shell;

/// <summary>A view that lives in a page's address: its keys say how each of its fields is read from and written to the query string.</summary>
public interface IAddressView<TSelf> where TSelf : IAddressView<TSelf>, new()
{
    static abstract QueryKeys<TSelf> Keys { get; }
}

/// <summary>
/// One key of a page's address. <see cref="Read"/> gets the value already cleaned (never empty) and keeps the view as it
/// was when the value is of no use; <see cref="Write"/> gives null or empty to leave the key out (a default).
/// </summary>
public sealed record QueryKey<TState>(string Name, Func<TState, string, TState> Read, Func<TState, string?> Write)
{
    /// <summary>This key's own cleaning of the raw value, instead of the table's.</summary>
    public Func<string, string?>? Clean { get; init; }
}

/// <summary>
/// The one way a page keeps its view in its address: a table of keys, each with its parse and format, read in one pass
/// by <see cref="FromQuery"/> and written in the table's order by <see cref="ToQuery"/>. Reading is total (whatever a
/// key cannot use is dropped, never an error: a pasted link always opens), and a view read back from its own query is
/// the same view. A new filter is one row here and its use where the page queries.
/// </summary>
public sealed class QueryKeys<TState>(params QueryKey<TState>[] keys) where TState : new()
{
    /// <summary>How a raw value is cleaned before a key reads it (null drops it); by default only empty values are dropped.</summary>
    public Func<string, string?> Clean { get; init; } = value => value.Length == 0 ? null : value;

    /// <summary>A last pass over the whole view, for rules between keys (a range needs both ends).</summary>
    public Func<TState, TState> Settle { get; init; } = state => state;

    public IReadOnlyList<QueryKey<TState>> All { get; } = keys;

    /// <summary>The view a raw query string (with or without its <c>?</c>) asks for.</summary>
    public TState FromQuery(string? query)
    {
        var parsed = QueryText.Parse(query);
        var state = new TState();
        foreach (var key in All)
        {
            if (!parsed.TryGetValue(key.Name, out var raw)) continue;
            if ((key.Clean ?? Clean)(raw.ToString()) is { } value) state = key.Read(state, value);
        }
        return Settle(state);
    }

    public string ToQuery(TState state) => string.Join("&", All
        .Select(key => (key.Name, Value: key.Write(state)))
        .Where(k => !string.IsNullOrEmpty(k.Value))
        .Select(k => k.Name + "=" + Uri.EscapeDataString(k.Value!)));

    /// <summary>Free text, kept as cleaned.</summary>
    public static QueryKey<TState> Text(string name, Func<TState, string?> get, Func<TState, string?, TState> set) =>
        new(name, (s, v) => set(s, v), get);

    /// <summary>One of a list; <paramref name="fallback"/> (the default the view starts with) is left out of the address.</summary>
    public static QueryKey<TState> Choice(string name, IReadOnlyList<string> choices, Func<TState, string?> get, Func<TState, string, TState> set, string? fallback = null) =>
        new(name, (s, v) => choices.Contains(v) ? set(s, v) : s, s => get(s) is { } v && v != fallback ? v : null);

    /// <summary>A yes/no written as <paramref name="text"/> when it is <paramref name="whenWritten"/>; anything else reads as the default.</summary>
    public static QueryKey<TState> Flag(string name, Func<TState, bool> get, Func<TState, bool, TState> set, string text = "1", bool whenWritten = true) =>
        new(name, (s, v) => v == text ? set(s, whenWritten) : s, s => get(s) == whenWritten ? text : null);

    /// <summary>A day written <c>yyyy-MM-dd</c> (see <see cref="QueryText.Date"/>); <paramref name="write"/> may leave it out.</summary>
    public static QueryKey<TState> Date(string name, Func<TState, DateOnly?> get, Func<TState, DateOnly?, TState> set, Func<TState, bool>? write = null) =>
        new(name, (s, v) => QueryText.Date(v) is { } d ? set(s, d) : s,
            s => write?.Invoke(s) == false ? null : get(s)?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));

    /// <summary>A whole number (digits only) that <paramref name="accept"/> takes; <paramref name="fallback"/> is left out.</summary>
    public static QueryKey<TState> Number(string name, Func<TState, int> get, Func<TState, int, TState> set, Func<int, bool> accept, int fallback, Func<TState, bool>? write = null) =>
        new(name, (s, v) => int.TryParse(v, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && accept(n) ? set(s, n) : s,
            s => write?.Invoke(s) == false || get(s) == fallback ? null : get(s).ToString(CultureInfo.InvariantCulture));
}
