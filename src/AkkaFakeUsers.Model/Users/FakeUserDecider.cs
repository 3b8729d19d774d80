using System.Collections.Immutable;
using AkkaFakeUsers.Domain;
using AkkaFakeUsers.Llm;

namespace AkkaFakeUsers.Users;

/// <summary>
/// Every rule that turns an input of a user (a command, a timer, a delivered post, a generated text) into events and
/// effects, as one pure function (its rules by input family: lifecycle here, posting, sessions and reacting in the
/// FakeUserDecider.*.cs files beside it): <c>Decide(state, runtime, input, context) → (runtime', events, effects)</c>. The
/// <see cref="FakeUserActor"/> actor only persists the events, folds them in with <see cref="FakeUserState.Apply"/> and
/// carries the effects out. Random draws are seeded by (run seed, user, subject), so a decision is reproducible.
/// </summary>
public static partial class FakeUserDecider
{
    public const string PostTimerKey = "post";
    public const string SessionTimerKey = "session";

    public static Decision Decide(FakeUserState state, UserRuntime runtime, IUserInput input, UserContext ctx)
    {
        var d = new Builder(state, runtime, ctx);
        switch (input)
        {
            case EnsureUser e:
                d.Ensure(e);
                if (e.CountedBy is not null) d.Effect(new ReplyWith(new UserEnsured(ctx.UserId, e.CountedBy, e.Ticket)));
                break;
            case Recovered: if (state.Exists) d.GoLive(); break;
            case Woken w:
                d.Runtime = Settled(w.Runtime, ctx.UserId) with { Live = true };
                d.Effect(JoinTheFeed.Instance);
                break;
            case PostTick: d.Runtime = d.Runtime with { PostTimerSet = false }; d.RequestPost(manual: false); break;
            case PostNow:
                if (state.Exists) d.RequestPost(manual: true);
                d.Effect(new ReplyWith(state.Exists ? "ok" : $"user {ctx.UserId} does not exist"));
                break;
            case TextArrived t: d.OnText(t.Text); break;
            case SessionTick: d.Runtime = d.Runtime with { SessionTimerSet = false }; d.OpenSession(); break;
            case SlateServed s: d.OnSlate(s); break;
            case CommentNotice n: d.OnCommentNotice(n); break;
            case ReactionDue r: d.OnReactionDue(r); break;
            case PauseUser:
                d.Pause();
                d.Effect(new ReplyWith(new UserPaused(ctx.UserId)));
                break;
            case ResumeUser: d.Resume(); break;
            case RetireUser:
                d.Pause();
                d.Effect(new TellFeed(new LeaveFeed(ctx.UserId)));
                d.Effect(PassivateSelf.Instance);
                break;
            default: throw new UnknownUserInputException(input);
        }
        return d.Result();
    }

    /// <summary>
    /// A user may fall asleep when it exists and is live, nothing it asked for is under way (a text, a slate) and nothing
    /// is due within afu.users.sleep-after of <paramref name="now"/> (simulated); a paused user has nothing due.
    /// </summary>
    public static bool MaySleep(FakeUserState state, UserRuntime runtime, DateTime? earliestDue, DateTime now, UserRules rules) =>
        rules.Sleeps && state.Exists && runtime.Live && runtime.PendingPost is null && runtime.PendingSlate is null && runtime.PendingComments.IsEmpty
        && (earliestDue is not { } due || due - now > rules.SleepAfter);

    /// <summary>A paused runtime: no timers, nothing under way, no plans (its timers are cancelled with it).</summary>
    public static UserRuntime Paused(UserRuntime r) => r with
    {
        Paused = true, PostTimerSet = false, SessionTimerSet = false, PendingPost = null, PendingSlate = null, Scroll = null,
        PendingComments = r.PendingComments.Clear(), Planned = r.Planned.Clear(),
    };

    /// <summary>A runtime with nothing under way: the answers to what was asked before the actor stopped went to it, not to the woken one.</summary>
    public static UserRuntime Settled(UserRuntime r, string userId) => r with
    {
        PendingPost = null, PendingSlate = null, Scroll = null, PendingComments = r.PendingComments.Clear(),
        Planned = r.Planned.Except(r.PendingComments.Values.Select(d => d.Id(userId))),
    };

    /// <summary>Replies come 20 s to ~10 min (simulated) after the comment they answer, most within the first minutes.</summary>
    public static TimeSpan ReplyDelay(double u) => TimeSpan.FromSeconds(20 + 580 * u * u);

    /// <summary>Thread depth of a reaction: 0 for views, likes and hides, 1 for a comment on a post, the parent's depth + 1 for a reply.</summary>
    public static int Depth(ReactionDue due) => due.Type != InteractionType.Comment ? 0 : due.ReplyTo is null ? 1 : due.ReplyTo.Depth + 1;

    /// <summary>One decision being built: the state as the events so far leave it, the runtime, events and effects.</summary>
    private sealed partial class Builder(FakeUserState state, UserRuntime runtime, UserContext ctx)
    {
        private readonly List<IUserEvent> _events = [];
        private readonly List<UserEffect> _effects = [];
        private FakeUserState _state = state;

        public UserRuntime Runtime { get; set; } = runtime;

        private UserRules Rules => ctx.Rules;
        private string UserId => ctx.UserId;
        private UserProfile Profile => _state.Profile!;

        public void Effect(UserEffect e) => _effects.Add(e);

        private void Emit(IUserEvent e)
        {
            _events.Add(e);
            _state = _state.Apply(e, Rules);
        }

        /// <summary>The decision; for counted work (<see cref="UserContext.Ticket"/>) its last effect reports the work done, carried on by
        /// every text and slate it asked for (their answers come back with the same ticket).</summary>
        public Decision Result()
        {
            if (ctx.Ticket != 0) _effects.Add(new ReportWorkDone(ctx.Ticket, _effects.Count(e => e is AskForText or AskForSlate)));
            return new(Runtime, _events.ToArray(), _effects.ToArray());
        }

        // -------------------------------------------------------------- lifecycle

        public void Ensure(EnsureUser cmd)
        {
            Runtime = Runtime with { Paused = cmd.Paused };
            if (_state.Exists)
            {
                if (!Runtime.Live) GoLive();
                else if (Runtime.Paused) Pause();
                else
                {
                    if (!Runtime.PostTimerSet) ScheduleNextPost(first: true);
                    if (!Runtime.SessionTimerSet) ScheduleNextSession(first: true);
                }
                return;
            }
            var profile = ProfileRules.Create(Rules.Seed, cmd.Index > 0 ? cmd.Index : ctx.Index, Rules.Interests, Rules.Behaviour.Activity);
            Emit(new UserCreated(profile with { UserId = UserId }, profile.Bio, ctx.Now));
            GoLive();
        }

        public void GoLive()
        {
            Runtime = Runtime with { Live = true };
            Effect(JoinTheFeed.Instance);
            if (Runtime.Paused) return;
            ScheduleNextPost(first: true);
            ScheduleNextSession(first: true);
        }

        public void Pause()
        {
            Runtime = Paused(Runtime);
            Effect(CancelTimers.Instance);
        }

        public void Resume()
        {
            if (!Runtime.Paused) return;
            Runtime = Runtime with { Paused = false };
            if (!_state.Exists) return;
            ScheduleNextPost(first: true);
            ScheduleNextSession(first: true);
        }
    }
}
