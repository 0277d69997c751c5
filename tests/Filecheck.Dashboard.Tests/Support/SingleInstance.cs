using Filecheck.Dashboard.Data;
using Filecheck.Dashboard.Shell;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Filecheck.Dashboard.Tests.Support;

/// <summary>One instance's leases (always held), for a part built by hand outside a container.</summary>
public static class SingleInstance
{
    /// <summary>The instruments those parts record on; one for the test process, like the leases.</summary>
    public static DashboardMetrics Metrics { get; } = new();

    public static LeaseKeeper Leases { get; } = new(
        new SingleInstanceLeaseStore(Options.Create(new LeaseOptions()), TimeProvider.System), Options.Create(new LeaseOptions()),
        TimeProvider.System, NullLogger<LeaseKeeper>.Instance, Metrics);
}
