using System.Xml.Linq;
using Filecheck.Dashboard.Data;
using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.AspNetCore.DataProtection.Repositories;

namespace Filecheck.Dashboard.Data;

/// <summary>
/// The Data Protection key ring in the store (table <c>DataProtectionKeys</c>), so that a restart or a second
/// instance on the same store reads the same keys: nobody is signed out, no form or share approval in flight is voided.
/// The migrations are applied before the first read, whichever comes first: a request or the start.
/// </summary>
internal sealed class StoreKeyRepository(IServiceProvider services, StoreMigrator migrator, ILoggerFactory loggers) : IXmlRepository
{
    private readonly EntityFrameworkCoreXmlRepository<DashboardDbContext> _keys = new(services, loggers);

    public IReadOnlyCollection<XElement> GetAllElements()
    {
        migrator.EnsureReadyAsync(CancellationToken.None).GetAwaiter().GetResult();
        return _keys.GetAllElements();
    }

    public void StoreElement(XElement element, string friendlyName)
    {
        migrator.EnsureReadyAsync(CancellationToken.None).GetAwaiter().GetResult();
        _keys.StoreElement(element, friendlyName);
    }
}
