// The decider's reaction rules: comments, replies in threads, texts and follows.
using System.Collections.Immutable;
using AkkaFakeUsers.Domain;
using AkkaFakeUsers.Llm;

namespace AkkaFakeUsers.Users;

public static partial class FakeUserDecider
{
    private sealed partial class Builder
    {
        // -------------------------------------------------------------- reacting (threads, texts, follows)

        private void Plan(ReactionDue due, DateTime at)
        {
            var id = due.Id(UserId);
            Runtime = Runtime with { Planned = Runtime.Planned.Add(id) };
            Effect(new StartTimer(id, due, at));
        }

        /// <summary>Someone commented on this user's post or replied to their comment: maybe answer (Social.ReplyProbability).</summary>
        public void OnCommentNotice(CommentNotice n)
        {
            var c = n.Comment;
            if (!Runtime.Live || !_state.Exists || Runtime.Paused || c.UserId == UserId) return;
            var due = new ReactionDue(n.Post, InteractionType.Comment, Matching.Score(Profile.Interests, n.Post.Interest, n.Post.Subtopic), c, Source: "thread");
            if (Runtime.Planned.Contains(due.Id(UserId)) || _state.HasReacted(c.InteractionId, InteractionType.Comment)) return;
            var rng = DeterministicRandom.For(Rules.Seed, "reply", UserId + "|" + c.InteractionId);
            if (rng.NextDouble() >= Social.ReplyProbability(Rules.Behaviour.Threads, c.Depth)) return;
            Plan(due, c.CreatedAt + ReplyDelay(rng.NextDouble()));
        }

        public void OnReactionDue(ReactionDue due)
        {
            if (Runtime.Paused || _state.HasReacted(due.MarkKey, due.Type)) return;
            // a reply is scored when it is written (its due time), not when the notice came: the notice's moment depends
            // on when the user handled it among its other work (a sleeping user handles it once awake), its due time does not
            if (due.ReplyTo is not null) due = due with { Score = Matching.Score(Profile.Interests, due.Post.Interest, due.Post.Subtopic) };
            var post = due.Post;
            var requestId = Runtime.NextRequestId + 1;
            Runtime = Runtime with
            {
                NextRequestId = requestId, PendingComments = Runtime.PendingComments.SetItem(requestId, due), Planned = Runtime.Planned.Add(due.Id(UserId)),
            };
            var rng = DeterministicRandom.For(Rules.Seed, "comment", due.Id(UserId));
            // A reply quotes the comment it answers; a comment quotes the post.
            var (quoted, quotedAuthor) = due.ReplyTo is { } parent ? (parent.Content, parent.UserId) : (post.Content, post.UserId);
            Effect(new AskForText(new GenerateText(requestId,
                new ContentRequest(TextKind.Comment, UserId, post.Interest, post.Subtopic, Profile.Persona, rng.Next(), quoted, quotedAuthor), ctx.Ticket)));
        }

        private void Record(ReactionDue due, string? content, string? generatedBy, string? model, DateTime at)
        {
            var post = due.Post;
            var id = due.Id(UserId);
            Runtime = Runtime with { Planned = Runtime.Planned.Remove(id) };
            if (_state.HasReacted(due.MarkKey, due.Type)) return;
            var e = new InteractionRecorded(id, UserId, post.PostId, post.UserId, due.Type, content, due.Score,
                due.Exploration, post.CreatedAt, at, generatedBy, model,
                post.Interest, due.ReplyTo?.InteractionId, Depth(due), false, due.ImpressionId, due.Source);
            Emit(e);
            if (e.Type == InteractionType.Like)
            {
                Effect(new PublishOn(FeedTopics.Likes, new PostLiked(post.PostId, at)));
                MaybeFollow(e);
            }
            else if (e.Type == InteractionType.Comment)
            {
                // The one answered (the post's author, or the author of the comment replied to) may reply in turn. The
                // notice travels like posts, on pub/sub to every node's feed, which hands it on only to a live local
                // user: it never wakes a user that was scaled out of the population.
                var to = due.ReplyTo?.UserId ?? post.UserId;
                if (to != UserId) Effect(new PublishOn(FeedTopics.Comments, new CommentNotice(to, post, e)));
            }
        }

        private void MaybeFollow(InteractionRecorded like)
        {
            var author = like.PostAuthorId;
            var rng = DeterministicRandom.For(Rules.Seed, "follow", UserId + "|" + like.PostId);
            if (author == UserId || !Social.ShouldFollow(Rules.Behaviour.Follow, like.MatchScore, _state.Follows.Count, _state.Follows.Contains(author), rng)) return;
            // The feed needs no telling: following travels with every slate request.
            Emit(new UserFollowed(UserId, author, like.MatchScore, like.PostId, ctx.Now));
        }
    }
}
