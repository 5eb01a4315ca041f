// The minimal scenario: one GET per task, no wait. Full statistics are kept as in any run.
import { user } from 'volley';

export default user({
  tasks: [
    async (vu) => {
      await vu.http.get('/');
    },
  ],
});
