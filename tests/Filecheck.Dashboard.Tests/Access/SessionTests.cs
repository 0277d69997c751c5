using System.Security.Claims;
using Filecheck.Dashboard.Access;
using Filecheck.Dashboard.Data;
using Microsoft.Extensions.Configuration;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace Filecheck.Dashboard.Tests.Access;

/// <summary>Sessions against a real store file (SQLite in a temporary folder), on a clock the test moves.</summary>
public sealed class SessionTests : IAsyncDisposable
{
    private readonly ManualTime _time = new(DateTimeOffset.Parse("2025-06-02T09:00:00Z"));
    private readonly string _database = Filecheck.Testing.TempStore.NewDatabasePath("fc-sessions-");
    private ServiceProvider? _services;

    public async ValueTask DisposeAsync()
    {
        if (_services is not null) await _services.DisposeAsync();
        Filecheck.Testing.TempStore.Delete(_database);
    }

    /// <summary>The store's services on the test's file and clock.</summary>
    private SessionStore NewStore()
    {
        var configuration = new Microsoft.Extensions.Configuration.ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["History:DatabasePath"] = _database }).Build();
        var services = new ServiceCollection().AddLogging();
        services.AddSingleton<TimeProvider>(_time);
        services.AddStore(configuration);
        services.AddSingleton<SessionStore>();
        _services = services.BuildServiceProvider();
        return _services.GetRequiredService<SessionStore>();
    }

    [Fact]
    public async Task Revalidation_AfterTheSessionEnds_SignsTheCircuitOut()
    {
        var sessions = NewStore();
        var provider = Revalidator(sessions);
        ((IHostEnvironmentAuthenticationStateProvider)provider).SetAuthenticationState(
            Task.FromResult(new AuthenticationState(User("s1", _time.GetUtcNow().AddHours(1), Roles.Staff))));
        var signedOut = new TaskCompletionSource<ClaimsPrincipal>(TaskCreationOptions.RunContinuationsAsynchronously);
        provider.AuthenticationStateChanged += async state => signedOut.TrySetResult((await state).User);

        _time.Now = _time.Now.AddHours(1).AddSeconds(1);

        var user = await signedOut.Task.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.False(user.Identity?.IsAuthenticated);
        Assert.False((await provider.GetAuthenticationStateAsync()).User.Identity?.IsAuthenticated);
    }

    [Fact]
    public async Task Revalidation_WhileTheSessionLasts_KeepsTheUser()
    {
        var sessions = NewStore();
        var provider = Revalidator(sessions);
        var expires = _time.Now.AddHours(1);
        ((IHostEnvironmentAuthenticationStateProvider)provider).SetAuthenticationState(
            Task.FromResult(new AuthenticationState(User("s2", expires, Roles.Staff))));
        var changes = 0;
        provider.AuthenticationStateChanged += _ => Interlocked.Increment(ref changes);
        // Each revalidation reads the clock once: wait for five of them.
        var checks = new TaskCompletionSource();
        _time.OnRead = () => { if (Volatile.Read(ref _time.Reads) >= 5) checks.TrySetResult(); };

        await checks.Task.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(0, Volatile.Read(ref changes));
        Assert.True((await provider.GetAuthenticationStateAsync()).User.Identity?.IsAuthenticated);
    }

    [Fact]
    public async Task Revalidation_AfterASignOutInAnotherTab_SignsTheCircuitOut()
    {
        var sessions = NewStore();
        var provider = Revalidator(sessions);
        var user = User("s3", _time.GetUtcNow().AddHours(8), Roles.Staff);
        ((IHostEnvironmentAuthenticationStateProvider)provider).SetAuthenticationState(Task.FromResult(new AuthenticationState(user)));
        var signedOut = new TaskCompletionSource<ClaimsPrincipal>(TaskCreationOptions.RunContinuationsAsynchronously);
        provider.AuthenticationStateChanged += async state => signedOut.TrySetResult((await state).User);
        Assert.True((await provider.GetAuthenticationStateAsync()).User.Identity?.IsAuthenticated);

        // The other tab signs out the same session; this circuit's user is not touched by the test.
        await sessions.EndAsync(User("s3", _time.GetUtcNow().AddHours(8)));

        var changed = await signedOut.Task.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.False(changed.Identity?.IsAuthenticated);
        Assert.False((await provider.GetAuthenticationStateAsync()).User.Identity?.IsAuthenticated);
    }

    [Fact]
    public async Task IsValidAsync_WithoutASessionStamp_IsFalse()
    {
        var sessions = NewStore();
        var unstamped = new ClaimsPrincipal(new ClaimsIdentity([new Claim("name", "x")], "Cookies"));

        Assert.False(await sessions.IsValidAsync(unstamped));
        Assert.False(await sessions.IsValidAsync(new ClaimsPrincipal(new ClaimsIdentity())));
    }

    [Fact]
    public async Task Revalidator_AnAdminEndsTheSessionHere_SignsTheCircuitOutAtOnce_NotAtTheNextInterval()
    {
        var sessions = NewStore();
        var provider = new SessionRevalidator(NullLoggerFactory.Instance,
            Microsoft.Extensions.Options.Options.Create(new AccessOptions { AuthMode = AuthMode.Demo, RevalidationInterval = TimeSpan.FromHours(1) }), sessions);
        var user = User("s4", _time.GetUtcNow().AddHours(8), Roles.Staff);
        ((IHostEnvironmentAuthenticationStateProvider)provider).SetAuthenticationState(Task.FromResult(new AuthenticationState(user)));
        var signedOut = new TaskCompletionSource<ClaimsPrincipal>(TaskCreationOptions.RunContinuationsAsynchronously);
        provider.AuthenticationStateChanged += async state => signedOut.TrySetResult((await state).User);
        await sessions.RecordSignInAsync(user);

        Assert.True(await sessions.EndSessionAsync("s4", "Ada Admin"));

        var changed = await signedOut.Task.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.False(changed.Identity?.IsAuthenticated);
    }

    [Fact]
    public async Task EnsureAllowedAsync_SessionEndedByAnotherInstanceOnTheSameStore_IsRefusedAtTheAction()
    {
        // The page opened while the session was whole; another instance (its own services, the same file) ends it.
        var here = NewStore();
        var user = User("s5", _time.GetUtcNow().AddHours(8), Roles.CustomerSuccess);
        await here.RecordSignInAsync(user);
        var guard = Guard(user, here);
        await guard.EnsureAllowedAsync(Policies.ShareProofs);
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["History:DatabasePath"] = _database }).Build();
        var otherServices = new ServiceCollection().AddLogging().AddSingleton<TimeProvider>(_time).AddStore(configuration).AddSingleton<SessionStore>();
        await using var other = otherServices.BuildServiceProvider();

        Assert.True(await other.GetRequiredService<SessionStore>().EndSessionAsync("s5", "Ada Admin"));

        var error = await Assert.ThrowsAsync<AccessDeniedException>(() => guard.EnsureAllowedAsync(Policies.ShareProofs));
        Assert.Equal(Policies.ShareProofs, error.Policy);
    }

    [Theory]
    [InlineData(Policies.LookUpJobs, Roles.Staff, true)]
    [InlineData(Policies.ViewTrends, Roles.Staff, false)]
    [InlineData(Policies.ViewTrends, Roles.Manager, true)]
    [InlineData(Policies.ShareProofs, Roles.Manager, false)]
    [InlineData(Policies.Administer, Roles.CustomerSuccess, false)]
    [InlineData(Policies.Administer, Roles.Admin, true)]
    public async Task EnsureAllowedAsync_ByRole_LetsThroughOnlyWhatThePolicyAllows(string policy, string role, bool allowed)
    {
        var guard = Guard(User("g", _time.GetUtcNow().AddHours(1), role), NewStore());

        var error = await Record.ExceptionAsync(() => guard.EnsureAllowedAsync(policy));

        if (allowed) Assert.Null(error);
        else Assert.Equal(policy, Assert.IsType<AccessDeniedException>(error).Policy);
    }

    [Fact]
    public async Task EnsureAllowedAsync_Anonymous_IsRefused()
    {
        var guard = Guard(new ClaimsPrincipal(new ClaimsIdentity()), NewStore());

        await Assert.ThrowsAsync<AccessDeniedException>(() => guard.EnsureAllowedAsync(Policies.LookUpJobs));
    }

    private SessionRevalidator Revalidator(SessionStore sessions) =>
        new(NullLoggerFactory.Instance, Microsoft.Extensions.Options.Options.Create(new AccessOptions { AuthMode = AuthMode.Demo, RevalidationInterval = TimeSpan.FromMilliseconds(20) }), sessions);

    private static AccessGuard Guard(ClaimsPrincipal user, SessionStore sessions)
    {
        var services = new ServiceCollection().AddLogging().AddAuthorizationCore(o =>
        {
            foreach (var (policy, roles) in Policies.RolesFor) o.AddPolicy(policy, p => p.RequireAuthenticatedUser().RequireRole(roles));
        }).BuildServiceProvider();
        return new AccessGuard(new FixedState(user), services.GetRequiredService<IAuthorizationService>(), sessions);
    }

    private static ClaimsPrincipal User(string session, DateTimeOffset expires, params string[] roles)
    {
        var claims = new List<Claim>
        {
            new("name", "Test User"),
            new(SessionClaims.SessionId, session),
            new(SessionClaims.ExpiresAt, expires.ToUnixTimeSeconds().ToString()),
        };
        claims.AddRange(roles.Select(r => new Claim("roles", r)));
        return new ClaimsPrincipal(new ClaimsIdentity(claims, "Cookies", "name", "roles"));
    }

    private sealed class FixedState(ClaimsPrincipal user) : AuthenticationStateProvider
    {
        public override Task<AuthenticationState> GetAuthenticationStateAsync() => Task.FromResult(new AuthenticationState(user));
    }

    private sealed class ManualTime(DateTimeOffset start) : TimeProvider
    {
        private long _ticks = start.UtcTicks;
        public int Reads;
        public Action? OnRead;

        public DateTimeOffset Now
        {
            get => new(Interlocked.Read(ref _ticks), TimeSpan.Zero);
            set => Interlocked.Exchange(ref _ticks, value.UtcTicks);
        }

        public override DateTimeOffset GetUtcNow()
        {
            Interlocked.Increment(ref Reads);
            OnRead?.Invoke();
            return Now;
        }
    }
}
