namespace AkkaFakeUsers.Inspection;

/// <summary>
/// What one inspection client may cost the node: a command line is at most <see cref="MaxLineBytes"/> bytes, a
/// connection that sends nothing for <see cref="IdleTimeout"/> is closed, at most <see cref="MaxConnections"/> are
/// open (a new one displaces the longest-idle, else it is refused), a wrong token is answered only after
/// <see cref="WrongTokenDelay"/>, and an address that sent <see cref="LockoutAfter"/> wrong tokens within
/// <see cref="Lockout"/> is refused at once for <see cref="Lockout"/>.
/// </summary>
public sealed record InspectionLimits(int MaxLineBytes, TimeSpan IdleTimeout, int MaxConnections, TimeSpan WrongTokenDelay, int LockoutAfter, TimeSpan Lockout)
{
    public static InspectionLimits Default { get; } = new(8192, TimeSpan.FromMinutes(5), 64, TimeSpan.FromSeconds(1), 10, TimeSpan.FromMinutes(1));
}
