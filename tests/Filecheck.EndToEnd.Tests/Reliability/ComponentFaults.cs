using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;

namespace Filecheck.EndToEnd.Tests.Reliability;

/// <summary>
/// Test-only: makes the next instance of a named component throw when it gets its parameters, as a bug in it would.
/// The dashboard has no such switch; the test host swaps Blazor's component activator for <see cref="Activator"/>.
/// </summary>
public sealed class ComponentFaults
{
    private readonly Lock _gate = new();
    private (Type Component, Exception Exception)? _next;

    public static void AddTo(IServiceCollection services, ComponentFaults faults)
    {
        services.AddSingleton(faults);
        services.AddScoped<IComponentActivator, Activator>();
    }

    /// <summary>The next <paramref name="component"/> created throws <paramref name="exception"/>; the ones after it work.</summary>
    public void FailNext(Type component, Exception exception)
    {
        lock (_gate) _next = (component, exception);
    }

    private Exception? Take(Type component)
    {
        lock (_gate)
        {
            if (_next is not { } next || next.Component != component) return null;
            _next = null;
            return next.Exception;
        }
    }

    private sealed class Activator(IServiceProvider services, ComponentFaults faults) : IComponentActivator
    {
        public IComponent CreateInstance(Type componentType) => faults.Take(componentType) is { } exception
            ? new Failing(exception)
            : (IComponent)ActivatorUtilities.CreateInstance(services, componentType);
    }

    private sealed class Failing(Exception exception) : IComponent
    {
        public void Attach(RenderHandle renderHandle)
        {
        }

        public Task SetParametersAsync(ParameterView parameters) => throw exception;
    }
}
