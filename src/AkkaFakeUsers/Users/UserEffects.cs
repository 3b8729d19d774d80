using AkkaFakeUsers.Clock;
using Akka.Actor;
using Akka.Cluster.Sharding;
using Akka.Cluster.Tools.PublishSubscribe;
using Akka.Event;

namespace AkkaFakeUsers.Users;

/// <summary>Carries out a decision's effects for a <see cref="FakeUserActor"/> (timers, the gateway, pub/sub, the feed, replies), once its events are stored.
/// Texts and slates asked for carry the ticket of the counted work that asked (a timer's); the report that a decision is
/// done goes to the clock's ledger as its last effect.</summary>
public sealed class UserEffects(string userId, FakeUserDeps deps, UserTimers timers, ILoggingAdapter log)
{
    public void Run(IEnumerable<UserEffect> effects, IActorRef self, IActorRef sender, IActorRef shard)
    {
        foreach (var effect in effects)
        {
            switch (effect)
            {
                case StartTimer t: timers.Start(self, t.Key, t.Due, t.Message); break;
                case CancelTimers: timers.CancelAll(); break;
                case AskForText a:
                    deps.Gateway.Tell(a.Request.Ticket != 0 ? a.Request : a.Request with { Ticket = deps.Clock.BeginWork(self) }, self);
                    break;
                case PublishOn p: deps.Mediator.Tell(new Publish(p.Topic, p.Message)); break;
                case JoinTheFeed: deps.Feed.Tell(new JoinFeed(userId, self)); break;
                case AskForSlate a:
                    deps.Feed.Tell(a.Request.Ticket != 0 ? a.Request : a.Request with { Ticket = deps.Clock.BeginWork(self) }, self);
                    break;
                case TellFeed f: deps.Feed.Tell(f.Message); break;
                case ReplyWith r: sender.Tell(r.Message); break;
                case PassivateSelf: shard.Tell(new Passivate(StopUser.Instance)); break;
                case ReportWorkDone w: deps.Clock.Ledger.Tell(new WorkDone(w.Ticket, w.Continued), self); break;
                case Warn w: log.Warning(w.Text); break;
            }
        }
    }
}
