import type { TaskDef, UserClass } from '../script/user.ts';
import type { Random } from './rng.ts';

/** Picks a user's next task: weighted random (Locust's default) or in order when the class is sequential. */
export interface TaskPicker<S> {
  next(random: Random): TaskDef<S>;
}

/** Tasks kept by -T/--tags and -E/--exclude-tags. A task without tags is kept only when no -T is given. */
export function selectTasks<S>(
  cls: UserClass<S>,
  tags: readonly string[] | null,
  excludeTags: readonly string[] | null,
): TaskDef<S>[] {
  return cls.tasks.filter((t) => {
    if (tags && tags.length > 0 && !t.tags.some((tag) => tags.includes(tag))) return false;
    if (excludeTags && t.tags.some((tag) => excludeTags.includes(tag))) return false;
    return t.weight > 0;
  });
}

export function createTaskPicker<S>(tasks: readonly TaskDef<S>[], sequential: boolean): () => TaskPicker<S> {
  if (tasks.length === 0) throw new Error('createTaskPicker: no tasks');
  if (sequential) {
    // Each user walks the list from the start on its own.
    return () => {
      let index = 0;
      return { next: () => tasks[index++ % tasks.length]! };
    };
  }
  if (tasks.length === 1) {
    const only = tasks[0]!;
    const picker = { next: () => only };
    return () => picker;
  }
  const cumulative: number[] = [];
  let total = 0;
  for (const t of tasks) {
    total += t.weight;
    cumulative.push(total);
  }
  const picker: TaskPicker<S> = {
    next(random) {
      const r = random() * total;
      for (let i = 0; i < cumulative.length; i++) if (r < cumulative[i]!) return tasks[i]!;
      return tasks[tasks.length - 1]!;
    },
  };
  return () => picker;
}
